using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// y[r, o] = activation(sum_k x[r, k] * w[o, k] + bias[o] + residual[r, o]): an InnerProduct, or a 1x1
/// convolution of 1x1 images, over a batch of rows. The packed GEMM vectorises along the columns
/// of its output, which here are the few batch rows, so most of each vector would idle; this kernel
/// vectorises along K instead and streams each weight row once per four input rows, which keeps it
/// at the speed the weights arrive from memory.
/// </summary>
internal static unsafe class Gemv
{
    const int RowGroup = 4;
    const int OutputsPerTask = 64;

    /// <summary>
    /// <paramref name="weights"/> is outputs x k, <paramref name="x"/> rows x k, <paramref name="y"/> and
    /// <paramref name="residual"/> (optional) rows x outputs, <paramref name="bias"/> empty or one per
    /// output. Output blocks run on the pool's threads; results do not depend on the thread count.
    /// </summary>
    public static void Multiply(ReadOnlySpan<float> weights, int outputs, int k, ReadOnlySpan<float> x, int rows, Span<float> y,
        ReadOnlySpan<float> bias = default, ReadOnlySpan<float> residual = default, Activation activation = default,
        WorkerPool? pool = null) =>
        Multiply(SimdPaths.Best, weights, outputs, k, x, rows, y, bias, residual, activation, pool);

    internal static void Multiply(SimdPath path, ReadOnlySpan<float> weights, int outputs, int k, ReadOnlySpan<float> x, int rows,
        Span<float> y, ReadOnlySpan<float> bias = default, ReadOnlySpan<float> residual = default, Activation activation = default,
        WorkerPool? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        if (weights.Length < (long)outputs * k)
            throw new ArgumentException($"weights of {outputs} x {k} need more than {weights.Length} floats", nameof(weights));
        if (x.Length < (long)rows * k)
            throw new ArgumentException($"x of {rows} x {k} needs more than {x.Length} floats", nameof(x));
        if (y.Length < (long)rows * outputs)
            throw new ArgumentException($"y of {rows} x {outputs} needs more than {y.Length} floats", nameof(y));
        if (!bias.IsEmpty && bias.Length < outputs)
            throw new ArgumentException($"bias needs {outputs} values, got {bias.Length}", nameof(bias));
        if (!residual.IsEmpty && residual.Length < (long)rows * outputs)
            throw new ArgumentException($"residual of {rows} x {outputs} needs more than {residual.Length} floats", nameof(residual));
        if (x.Overlaps(y) || residual.Overlaps(y))
            throw new ArgumentException("x and residual must not overlap y", nameof(y));

        fixed (float* pw = weights)
        fixed (float* px = x)
        fixed (float* py = y)
        fixed (float* pb = bias)
        fixed (float* pr = residual)
        {
            var job = new Job
            {
                Vector = path != SimdPath.Scalar, W = pw, X = px, Y = py, Bias = bias.IsEmpty ? null : pb,
                Residual = residual.IsEmpty ? null : pr, Outputs = outputs, K = k, Rows = rows, Lo = activation.Min, Hi = activation.Max,
            };
            int tasks = (outputs + OutputsPerTask - 1) / OutputsPerTask;
            WorkerPool.For(pool, tasks, job);
        }
    }

    struct Job : IParallelJob
    {
        public bool Vector;
        public float* W, X, Y, Bias, Residual;
        public int Outputs, K, Rows;
        public float Lo, Hi;

        public readonly void Execute(int index)
        {
            int o0 = index * OutputsPerTask, o1 = Math.Min(Outputs, o0 + OutputsPerTask);
            float* sums = stackalloc float[RowGroup * 2];
            if (Rows == 1 && Vector)
            {
                SingleRow(o0, o1, sums);
                return;
            }
            for (int r0 = 0; r0 < Rows; r0 += RowGroup)
            {
                int rows = Math.Min(RowGroup, Rows - r0);
                // Rows past the end repeat the last one: the kernel always reads four, the stores skip them.
                float* x0 = X + (nint)r0 * K;
                float* x1 = X + (nint)(r0 + Math.Min(1, rows - 1)) * K;
                float* x2 = X + (nint)(r0 + Math.Min(2, rows - 1)) * K;
                float* x3 = X + (nint)(r0 + Math.Min(3, rows - 1)) * K;
                for (int o = o0; o < o1; o += 2)
                {
                    // An odd last output is computed twice into the same slot rather than given its own kernel.
                    int second = Math.Min(o + 1, o1 - 1);
                    if (Vector)
                        Dot256(W + (nint)o * K, W + (nint)second * K, x0, x1, x2, x3, K, sums);
                    else
                        DotScalar(W + (nint)o * K, W + (nint)second * K, x0, x1, x2, x3, K, sums);
                    Store(r0, rows, o, sums);
                    Store(r0, rows, second, sums + RowGroup);
                }
            }
        }

        /// <summary>
        /// One input row (a single image): four weight rows at a time against it, so no FMA is spent
        /// on the repeated rows of the four-row kernel and four weight streams are in flight.
        /// </summary>
        readonly void SingleRow(int o0, int o1, float* sums)
        {
            // A short last group repeats its last output, as in the four-row kernel.
            int last = o1 - 1;
            for (int o = o0; o < o1; o += RowGroup)
            {
                Dot256x4(W + (nint)o * K, W + (nint)Math.Min(o + 1, last) * K, W + (nint)Math.Min(o + 2, last) * K,
                    W + (nint)Math.Min(o + 3, last) * K, X, K, sums);
                for (int j = 0; j < RowGroup && o + j < o1; j++)
                    Store(0, 1, o + j, sums + j);
            }
        }

        readonly void Store(int r0, int rows, int o, float* sums)
        {
            float bias = Bias != null ? Bias[o] : 0;
            for (int r = 0; r < rows; r++)
            {
                nint at = (nint)(r0 + r) * Outputs + o;
                float v = sums[r] + bias;
                if (Residual != null)
                    v += Residual[at];
                Y[at] = MathF.Min(MathF.Max(v, Lo), Hi);
            }
        }
    }

    /// <summary>Two weight rows against four x rows: eight independent FMA chains.</summary>
    [SkipLocalsInit]
    static void Dot256(float* w0, float* w1, float* x0, float* x1, float* x2, float* x3, int k, float* sums)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default;
        int i = 0;
        for (; i <= k - 8; i += 8)
        {
            var u = Vector256.Load(w0 + i);
            var v = Vector256.Load(w1 + i);
            var p = Vector256.Load(x0 + i);
            a0 = Vector256.FusedMultiplyAdd(u, p, a0);
            b0 = Vector256.FusedMultiplyAdd(v, p, b0);
            p = Vector256.Load(x1 + i);
            a1 = Vector256.FusedMultiplyAdd(u, p, a1);
            b1 = Vector256.FusedMultiplyAdd(v, p, b1);
            p = Vector256.Load(x2 + i);
            a2 = Vector256.FusedMultiplyAdd(u, p, a2);
            b2 = Vector256.FusedMultiplyAdd(v, p, b2);
            p = Vector256.Load(x3 + i);
            a3 = Vector256.FusedMultiplyAdd(u, p, a3);
            b3 = Vector256.FusedMultiplyAdd(v, p, b3);
        }
        sums[0] = Vector256.Sum(a0);
        sums[1] = Vector256.Sum(a1);
        sums[2] = Vector256.Sum(a2);
        sums[3] = Vector256.Sum(a3);
        sums[4] = Vector256.Sum(b0);
        sums[5] = Vector256.Sum(b1);
        sums[6] = Vector256.Sum(b2);
        sums[7] = Vector256.Sum(b3);
        AddProducts(w0, w1, x0, x1, x2, x3, i, k, sums);
    }

    /// <summary>Four weight rows against one x row, two k halves each: eight independent FMA chains.</summary>
    [SkipLocalsInit]
    static void Dot256x4(float* w0, float* w1, float* w2, float* w3, float* x, int k, float* sums)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default;
        int i = 0;
        for (; i <= k - 16; i += 16)
        {
            var p = Vector256.Load(x + i);
            var q = Vector256.Load(x + i + 8);
            a0 = Vector256.FusedMultiplyAdd(Vector256.Load(w0 + i), p, a0);
            b0 = Vector256.FusedMultiplyAdd(Vector256.Load(w0 + i + 8), q, b0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.Load(w1 + i), p, a1);
            b1 = Vector256.FusedMultiplyAdd(Vector256.Load(w1 + i + 8), q, b1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.Load(w2 + i), p, a2);
            b2 = Vector256.FusedMultiplyAdd(Vector256.Load(w2 + i + 8), q, b2);
            a3 = Vector256.FusedMultiplyAdd(Vector256.Load(w3 + i), p, a3);
            b3 = Vector256.FusedMultiplyAdd(Vector256.Load(w3 + i + 8), q, b3);
        }
        if (i <= k - 8)
        {
            var p = Vector256.Load(x + i);
            a0 = Vector256.FusedMultiplyAdd(Vector256.Load(w0 + i), p, a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.Load(w1 + i), p, a1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.Load(w2 + i), p, a2);
            a3 = Vector256.FusedMultiplyAdd(Vector256.Load(w3 + i), p, a3);
            i += 8;
        }
        sums[0] = Vector256.Sum(a0 + b0);
        sums[1] = Vector256.Sum(a1 + b1);
        sums[2] = Vector256.Sum(a2 + b2);
        sums[3] = Vector256.Sum(a3 + b3);
        for (; i < k; i++)
        {
            sums[0] += w0[i] * x[i];
            sums[1] += w1[i] * x[i];
            sums[2] += w2[i] * x[i];
            sums[3] += w3[i] * x[i];
        }
    }

    static void DotScalar(float* w0, float* w1, float* x0, float* x1, float* x2, float* x3, int k, float* sums)
    {
        for (int j = 0; j < 2 * RowGroup; j++)
            sums[j] = 0;
        AddProducts(w0, w1, x0, x1, x2, x3, 0, k, sums);
    }

    /// <summary>The scalar path, and the vector path's last k % 8 terms.</summary>
    static void AddProducts(float* w0, float* w1, float* x0, float* x1, float* x2, float* x3, int from, int k, float* sums)
    {
        for (int i = from; i < k; i++)
        {
            sums[0] += w0[i] * x0[i];
            sums[1] += w0[i] * x1[i];
            sums[2] += w0[i] * x2[i];
            sums[3] += w0[i] * x3[i];
            sums[4] += w1[i] * x0[i];
            sums[5] += w1[i] * x1[i];
            sums[6] += w1[i] * x2[i];
            sums[7] += w1[i] * x3[i];
        }
    }
}
