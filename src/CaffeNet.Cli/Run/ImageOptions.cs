using System.CommandLine;
using System.Globalization;
using CaffeNet.Runtime.Images;

namespace CaffeNet.Cli.Run;

/// <summary>What `run` does with image inputs, as the options said.</summary>
/// <param name="Rgb">--rgb: planes in R, G, B order instead of Caffe's B, G, R.</param>
/// <param name="Mean">--mean: "B,G,R" values or a .binaryproto file; null keeps the data layer's.</param>
/// <param name="Scale">--scale; null keeps the data layer's.</param>
/// <param name="Batch">--batch: images per forward pass for a folder.</param>
/// <param name="Labels">--labels: a synset file naming the classes.</param>
/// <param name="SaveInput">--save-input: where the preprocessed tensor is written as .npy.</param>
internal sealed record ImageSettings(bool Rgb, string? Mean, float? Scale, int Batch, string? Labels, string? SaveInput);

/// <summary>The image options of `run`, declared once: added to the command, read from its parse result.</summary>
internal sealed class ImageOptions
{
    readonly Option<bool> rgb = new("--rgb")
    {
        Description = "Image inputs in R, G, B plane order (Caffe's, the default, is B, G, R)",
    };
    readonly Option<string> mean = new("--mean")
    {
        Description = "Subtract from image inputs: per-channel values in the input's channel order (B,G,R, or R,G,B with --rgb) " +
            "or a .binaryproto mean image; replaces the data layer's transform_param mean",
        HelpName = "B,G,R|FILE",
    };
    readonly Option<float?> scale = new("--scale")
    {
        Description = "Multiply image inputs by this after the mean is subtracted (0.017 for many MobileNets); replaces transform_param's scale",
        HelpName = "X",
        CustomParser = r =>
        {
            var value = r.Tokens[0].Value;
            if (float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float s) && float.IsFinite(s))
                return s;
            r.AddError($"--scale must be a number, not '{value}'");
            return null;
        },
    };
    readonly Option<int> batch = SharedOptions.WholeNumber("--batch",
        "Images per forward pass when --input names a folder (the last batch may be smaller)", 1, 4096, 1);
    readonly Option<string> labels = new("--labels")
    {
        Description = "Class names, one per line (Caffe's synset_words.txt): prints the top 5 names with their scores",
        HelpName = "FILE",
    };
    readonly Option<string> saveInput = new("--save-input")
    {
        Description = "Write the preprocessed image tensor (N x C x H x W) as a float32 .npy (one image, not a folder)",
        HelpName = "FILE",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(rgb);
        command.Options.Add(mean);
        command.Options.Add(scale);
        command.Options.Add(batch);
        command.Options.Add(labels);
        command.Options.Add(saveInput);
    }

    public ImageSettings Read(ParseResult result) => new(result.GetValue(rgb), result.GetValue(mean), result.GetValue(scale),
        result.GetValue(batch), result.GetValue(labels), result.GetValue(saveInput));

    /// <summary>The data layer's preprocessing with the options' changes on top.</summary>
    public static ImagePreprocessing Apply(ImagePreprocessing fromNet, ImageSettings settings)
    {
        var p = fromNet with { Order = settings.Rgb ? ChannelOrder.Rgb : ChannelOrder.Bgr };
        if (settings.Mean is { } m)
        {
            p = File.Exists(m) || m.EndsWith(".binaryproto", StringComparison.OrdinalIgnoreCase)
                ? p with { MeanValues = [], MeanImage = ImagePreprocessing.ReadMeanFile(m) }
                : p with { MeanValues = ImagePreprocessing.ParseMeanValues(m), MeanImage = null };
        }
        if (settings.Scale is float s)
            p = p with { Scale = s };
        return p;
    }
}
