using System.Runtime.CompilerServices;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// Per-thread working memory for packing, 64-byte aligned and pinned (the pinned heap never moves
/// it, so kernels keep raw pointers). Grown on demand and then reused, so steady-state calls
/// allocate nothing.
/// </summary>
static unsafe class Scratch
{
    [ThreadStatic] static float[]? s_packedB;
    [ThreadStatic] static float[]? s_packedA;
    [ThreadStatic] static float[]? s_paddedPlane;
    [ThreadStatic] static float[]? s_blockedTile;
    [ThreadStatic] static float[]? s_inputRows;
    [ThreadStatic] static float[]? s_columns;
    [ThreadStatic] static float[]? s_reorderInput;
    [ThreadStatic] static float[]? s_reorderResidual;
    [ThreadStatic] static float[]? s_reorderOutput;
    [ThreadStatic] static float[]? s_paddedInput;
    [ThreadStatic] static float[]? s_partialSums;
    [ThreadStatic] static float[]? s_transformedInput;
    [ThreadStatic] static float[]? s_transformedOutput;
    [ThreadStatic] static float[]? s_expandedRows;

    /// <summary>Room for packed B panels; only the kernels of the current call use it.</summary>
    public static float* PackedB(int floats) => Get(ref s_packedB, floats);

    /// <summary>Room for a matrix A packed for one call (when it was not prepacked).</summary>
    public static float* PackedA(int floats) => Get(ref s_packedA, floats);

    /// <summary>Room for one input plane with its zero border (depthwise convolution).</summary>
    public static float* PaddedPlane(int floats) => Get(ref s_paddedPlane, floats);

    /// <summary>Room for one channel block's transposed input rows and outputs (depthwise).</summary>
    public static float* BlockedTile(int floats) => Get(ref s_blockedTile, floats);

    /// <summary>Room for the zero-bordered input rows of one strip of output (direct convolution).</summary>
    public static float* InputRows(int floats) => Get(ref s_inputRows, floats);

    /// <summary>Room for the im2col columns of one strip of output (<see cref="Im2ColConv"/>).</summary>
    public static float* Columns(int floats) => Get(ref s_columns, floats);

    /// <summary>Room for a layer's input reordered to (or from) the blocked layout where it meets an NCHW neighbour.</summary>
    public static float* ReorderInput(int floats) => Get(ref s_reorderInput, floats);

    /// <summary>Room for a fused shortcut's input reordered to the output's layout.</summary>
    public static float* ReorderResidual(int floats) => Get(ref s_reorderResidual, floats);

    /// <summary>Room for a layer's output before it is reordered into its NCHW tensor.</summary>
    public static float* ReorderOutput(int floats) => Get(ref s_reorderOutput, floats);

    /// <summary>Room for a blocked input with its zero border, read by every worker of the call (<see cref="BlockedConv"/>).</summary>
    public static float* PaddedInput(int floats) => Get(ref s_paddedInput, floats);

    /// <summary>Room for a task's sums between chunks of input channels (<see cref="BlockedConv"/>).</summary>
    public static float* PartialSums(int floats) => Get(ref s_partialSums, floats);

    /// <summary>Room for a chunk of tiles' transformed inputs (<see cref="BlockedWinograd"/>).</summary>
    public static float* TransformedInput(int floats) => Get(ref s_transformedInput, floats);

    /// <summary>Room for a chunk of tiles' products before the output transform (<see cref="BlockedWinograd"/>).</summary>
    public static float* TransformedOutput(int floats) => Get(ref s_transformedOutput, floats);

    /// <summary>Room for a band's expanded rows between the two kernels of <see cref="BlockedExpandDepthwise"/>.</summary>
    public static float* ExpandedRows(int floats) => Get(ref s_expandedRows, floats);

    /// <summary>The length of the buffer a request for <paramref name="floats"/> grows to: room to align, and never tiny.</summary>
    internal static long BufferFloats(long floats) => Math.Max(floats + 16, 4096);

    static float* Get(ref float[]? buffer, int floats)
    {
        if (buffer == null || buffer.Length < floats + 16)
            buffer = GC.AllocateUninitializedArray<float>((int)BufferFloats(floats), pinned: true);
        var p = (float*)Unsafe.AsPointer(ref buffer[0]);
        return (float*)(((nint)p + 63) & ~(nint)63);
    }
}
