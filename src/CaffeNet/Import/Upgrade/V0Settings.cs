using CaffeNet.Proto;
using V0Pool = CaffeNet.Proto.V0LayerParameter.Types.PoolMethod;
using V2Pool = CaffeNet.Proto.PoolingParameter.Types.PoolMethod;

namespace CaffeNet.Import.Upgrade;

/// <summary>Where each flat V0 layer field goes in V1, keyed by the V0 layer type string.</summary>
internal static class V0Settings
{
    public static readonly V0Setting[] All =
    [
        new("num_output", v => v.HasNumOutput, new()
        {
            ["conv"] = (v, l) => Conv(l).NumOutput = v.NumOutput,
            ["innerproduct"] = (v, l) => InnerProduct(l).NumOutput = v.NumOutput,
        }),
        new("biasterm", v => v.HasBiasterm, new()
        {
            ["conv"] = (v, l) => Conv(l).BiasTerm = v.Biasterm,
            ["innerproduct"] = (v, l) => InnerProduct(l).BiasTerm = v.Biasterm,
        }),
        new("weight_filler", v => v.WeightFiller is not null, new()
        {
            ["conv"] = (v, l) => Conv(l).WeightFiller = v.WeightFiller,
            ["innerproduct"] = (v, l) => InnerProduct(l).WeightFiller = v.WeightFiller,
        }),
        new("bias_filler", v => v.BiasFiller is not null, new()
        {
            ["conv"] = (v, l) => Conv(l).BiasFiller = v.BiasFiller,
            ["innerproduct"] = (v, l) => InnerProduct(l).BiasFiller = v.BiasFiller,
        }),
        new("pad", v => v.HasPad, new()
        {
            ["conv"] = (v, l) => Conv(l).Pad.Add(v.Pad),
            ["pool"] = (v, l) => Pool(l).Pad = v.Pad,
        }),
        new("kernelsize", v => v.HasKernelsize, new()
        {
            ["conv"] = (v, l) => Conv(l).KernelSize.Add(v.Kernelsize),
            ["pool"] = (v, l) => Pool(l).KernelSize = v.Kernelsize,
        }),
        new("group", v => v.HasGroup, new()
        {
            ["conv"] = (v, l) => Conv(l).Group = v.Group,
        }),
        new("stride", v => v.HasStride, new()
        {
            ["conv"] = (v, l) => Conv(l).Stride.Add(v.Stride),
            ["pool"] = (v, l) => Pool(l).Stride = v.Stride,
        }),
        new("pool", v => v.HasPool, new()
        {
            ["pool"] = (v, l) => Pool(l).Pool = PoolMethod(v.Pool),
        }),
        new("dropout_ratio", v => v.HasDropoutRatio, new()
        {
            ["dropout"] = (v, l) => (l.DropoutParam ??= new()).DropoutRatio = v.DropoutRatio,
        }),
        new("local_size", v => v.HasLocalSize, new() { ["lrn"] = (v, l) => Lrn(l).LocalSize = v.LocalSize }),
        new("alpha", v => v.HasAlpha, new() { ["lrn"] = (v, l) => Lrn(l).Alpha = v.Alpha }),
        new("beta", v => v.HasBeta, new() { ["lrn"] = (v, l) => Lrn(l).Beta = v.Beta }),
        new("k", v => v.HasK, new() { ["lrn"] = (v, l) => Lrn(l).K = v.K }),
        new("source", v => v.HasSource, new()
        {
            ["data"] = (v, l) => Data(l).Source = v.Source,
            ["hdf5_data"] = (v, l) => Hdf5Data(l).Source = v.Source,
            ["images"] = (v, l) => ImageData(l).Source = v.Source,
            ["window_data"] = (v, l) => WindowData(l).Source = v.Source,
            ["infogain_loss"] = (v, l) => (l.InfogainLossParam ??= new()).Source = v.Source,
        }),
        V0Setting.AnyType("scale", v => v.HasScale, (v, l) => Transform(l).Scale = v.Scale),
        V0Setting.AnyType("meanfile", v => v.HasMeanfile, (v, l) => Transform(l).MeanFile = v.Meanfile),
        new("batchsize", v => v.HasBatchsize, new()
        {
            ["data"] = (v, l) => Data(l).BatchSize = v.Batchsize,
            ["hdf5_data"] = (v, l) => Hdf5Data(l).BatchSize = v.Batchsize,
            ["images"] = (v, l) => ImageData(l).BatchSize = v.Batchsize,
            ["window_data"] = (v, l) => WindowData(l).BatchSize = v.Batchsize,
        }),
        V0Setting.AnyType("cropsize", v => v.HasCropsize, (v, l) => Transform(l).CropSize = v.Cropsize),
        V0Setting.AnyType("mirror", v => v.HasMirror, (v, l) => Transform(l).Mirror = v.Mirror),
        new("rand_skip", v => v.HasRandSkip, new()
        {
            ["data"] = (v, l) => Data(l).RandSkip = v.RandSkip,
            ["images"] = (v, l) => ImageData(l).RandSkip = v.RandSkip,
        }),
        new("shuffle_images", v => v.HasShuffleImages, new()
        {
            ["images"] = (v, l) => ImageData(l).Shuffle = v.ShuffleImages,
        }),
        // V0 declared these int32, ImageDataParameter uint32; Caffe converts the bits as C++ does.
        new("new_height", v => v.HasNewHeight, new()
        {
            ["images"] = (v, l) => ImageData(l).NewHeight = unchecked((uint)v.NewHeight),
        }),
        new("new_width", v => v.HasNewWidth, new()
        {
            ["images"] = (v, l) => ImageData(l).NewWidth = unchecked((uint)v.NewWidth),
        }),
        new("concat_dim", v => v.HasConcatDim, new()
        {
            ["concat"] = (v, l) => (l.ConcatParam ??= new()).ConcatDim = v.ConcatDim,
        }),
        new("det_fg_threshold", v => v.HasDetFgThreshold, new()
        {
            ["window_data"] = (v, l) => WindowData(l).FgThreshold = v.DetFgThreshold,
        }),
        new("det_bg_threshold", v => v.HasDetBgThreshold, new()
        {
            ["window_data"] = (v, l) => WindowData(l).BgThreshold = v.DetBgThreshold,
        }),
        new("det_fg_fraction", v => v.HasDetFgFraction, new()
        {
            ["window_data"] = (v, l) => WindowData(l).FgFraction = v.DetFgFraction,
        }),
        new("det_context_pad", v => v.HasDetContextPad, new()
        {
            ["window_data"] = (v, l) => WindowData(l).ContextPad = v.DetContextPad,
        }),
        new("det_crop_mode", v => v.HasDetCropMode, new()
        {
            ["window_data"] = (v, l) => WindowData(l).CropMode = v.DetCropMode,
        }),
        new("hdf5_output_param", v => v.Hdf5OutputParam is not null, new()
        {
            ["hdf5_output"] = (v, l) => l.Hdf5OutputParam = v.Hdf5OutputParam,
        }),
    ];

    /// <summary>V0 pool methods Caffe understood; other numbers (only a binary file can hold them) it drops.</summary>
    public static bool IsKnown(V0Pool pool) => pool is V0Pool.Max or V0Pool.Ave or V0Pool.Stochastic;

    static V2Pool PoolMethod(V0Pool pool) => pool switch
    {
        V0Pool.Ave => V2Pool.Ave,
        V0Pool.Stochastic => V2Pool.Stochastic,
        _ => V2Pool.Max,
    };

    static ConvolutionParameter Conv(V1LayerParameter l) => l.ConvolutionParam ??= new();
    static InnerProductParameter InnerProduct(V1LayerParameter l) => l.InnerProductParam ??= new();
    static PoolingParameter Pool(V1LayerParameter l) => l.PoolingParam ??= new();
    static LRNParameter Lrn(V1LayerParameter l) => l.LrnParam ??= new();
    static DataParameter Data(V1LayerParameter l) => l.DataParam ??= new();
    static HDF5DataParameter Hdf5Data(V1LayerParameter l) => l.Hdf5DataParam ??= new();
    static ImageDataParameter ImageData(V1LayerParameter l) => l.ImageDataParam ??= new();
    static WindowDataParameter WindowData(V1LayerParameter l) => l.WindowDataParam ??= new();
    static TransformationParameter Transform(V1LayerParameter l) => l.TransformParam ??= new();
}
