namespace CaffeNet;

/// <summary>The values of one named input for <see cref="CaffeModel.Run(ReadOnlySpan{ModelInput})"/>, row-major (NCHW).</summary>
/// <param name="Name">The input's name (see <see cref="CaffeModel.Inputs"/>).</param>
/// <param name="Values">As many floats as the input's shape holds; read in place unless a layer works in place on the input (then copied once), and not to be changed until the run returns.</param>
public readonly record struct ModelInput(string Name, ReadOnlyMemory<float> Values);
