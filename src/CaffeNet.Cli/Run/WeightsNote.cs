using System.Globalization;
using System.Text.Json.Nodes;

namespace CaffeNet.Cli.Run;

/// <summary>
/// The line of a report that says where the weights came from, when any are random: a run on
/// filler weights computes nothing a trained model would, and must not pass for one.
/// </summary>
/// <param name="File">The --weights file, or null.</param>
/// <param name="Filled">Learnable layers whose blobs the fillers made.</param>
/// <param name="Calibrated">Whether filled BatchNorm statistics were then set from the input.</param>
public sealed record WeightsNote(string? File, int Filled, int Learnable, ulong Seed, bool Calibrated)
{
    /// <summary>"weights: ..." or null when every blob is the model's.</summary>
    public string? Line
    {
        get
        {
            if (Filled == 0)
                return null;
            var fillers = string.Create(CultureInfo.InvariantCulture, $"random, from the prototxt's fillers (seed {Seed})") +
                (Calibrated ? ", BatchNorm statistics calibrated on the input" : "");
            return File is null
                ? $"weights: {fillers}; no --weights given"
                : $"weights: {File}, except {Filled} of {Learnable} learnable layers: {fillers}";
        }
    }

    /// <summary>{"file", "learnable_layers", "filled_layers", "filler_seed" (null when none are filled), "calibrated"}.</summary>
    public JsonObject Json() => new()
    {
        ["file"] = File,
        ["learnable_layers"] = Learnable,
        ["filled_layers"] = Filled,
        ["filler_seed"] = Filled > 0 ? Seed : null,
        ["calibrated"] = Calibrated,
    };
}
