namespace CaffeNet.Runtime.Simd;

/// <summary>
/// The left operand A (M x K) of <see cref="Sgemm"/>, packed once into the panel layout of one SIMD
/// path: weights are packed at load time, not at every forward.
/// </summary>
internal sealed class PackedMatrix
{
    internal readonly float[] Data;

    PackedMatrix(float[] data, int rows, int columns, SimdPath path, int panelRows)
    {
        Data = data;
        Rows = rows;
        Columns = columns;
        Path = path;
        PanelRows = panelRows;
    }

    /// <summary>M: rows of A and of C.</summary>
    public int Rows { get; }

    /// <summary>K: columns of A, rows of B.</summary>
    public int Columns { get; }

    /// <summary>The path whose micro-kernel this layout is for; <see cref="Sgemm"/> runs that path.</summary>
    public SimdPath Path { get; }

    internal int PanelRows { get; }

    /// <summary>Floats a packed A of <paramref name="rows"/> x <paramref name="columns"/> takes on the best path.</summary>
    internal static long Floats(int rows, int columns) => Sgemm.PackedASize(rows, columns, Sgemm.Kernel(SimdPaths.Best).Mr);

    /// <summary>
    /// Packs A, of <paramref name="rows"/> x <paramref name="columns"/>, with element (i, p) at
    /// a[i * lda + p], or at a[p * lda + i] when <paramref name="transposed"/>, for the best path.
    /// </summary>
    public static PackedMatrix Pack(ReadOnlySpan<float> a, int rows, int columns, int lda, bool transposed = false) =>
        Pack(a, rows, columns, lda, transposed, SimdPaths.Best);

    internal static unsafe PackedMatrix Pack(ReadOnlySpan<float> a, int rows, int columns, int lda, bool transposed, SimdPath path)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        int outer = transposed ? columns : rows, inner = transposed ? rows : columns;
        ArgumentOutOfRangeException.ThrowIfLessThan(lda, inner);
        if (a.Length < (long)(outer - 1) * lda + inner)
            throw new ArgumentException($"A of {rows} x {columns} (lda {lda}) needs more than {a.Length} floats", nameof(a));
        int mr = Sgemm.Kernel(path).Mr;
        var data = new float[Sgemm.PackedASize(rows, columns, mr)];
        fixed (float* src = a)
        fixed (float* dst = data)
            GemmPacking.PackA(src, lda, transposed, rows, columns, mr, dst);
        return new PackedMatrix(data, rows, columns, path, mr);
    }
}
