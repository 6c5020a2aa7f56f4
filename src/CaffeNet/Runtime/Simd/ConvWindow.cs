namespace CaffeNet.Runtime.Simd;

/// <summary>
/// The sliding window of a 2-D convolution or pooling: kernel size, stride, zero padding on each
/// side, and dilation, per axis (Caffe's ConvolutionParameter after defaults are applied).
/// </summary>
internal readonly record struct ConvWindow(int KernelH, int KernelW, int StrideH, int StrideW, int PadH, int PadW,
    int DilationH = 1, int DilationW = 1)
{
    public static ConvWindow Square(int kernel, int stride, int pad) => new(kernel, kernel, stride, stride, pad, pad);

    /// <summary>Caffe's output size: (in + 2 pad - (dilation (kernel - 1) + 1)) / stride + 1.</summary>
    public int OutputHeight(int height) => (height + 2 * PadH - (DilationH * (KernelH - 1) + 1)) / StrideH + 1;

    public int OutputWidth(int width) => (width + 2 * PadW - (DilationW * (KernelW - 1) + 1)) / StrideW + 1;

    internal void Check(int height, int width)
    {
        if (KernelH < 1 || KernelW < 1 || StrideH < 1 || StrideW < 1 || PadH < 0 || PadW < 0 || DilationH < 1 || DilationW < 1)
            throw new ArgumentException($"bad convolution window {this}");
        if (height < 1 || width < 1 || OutputHeight(height) < 1 || OutputWidth(width) < 1)
            throw new ArgumentException($"window {this} does not fit an input of {height} x {width}");
    }
}
