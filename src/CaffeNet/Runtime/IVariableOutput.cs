namespace CaffeNet.Runtime;

/// <summary>
/// A layer whose one output holds as many rows as the data gives (DetectionOutput): the planned
/// shape is the most it can hold, and <see cref="Produced"/> the leading part the last forward
/// wrote, which the executor reports in its place.
/// </summary>
internal interface IVariableOutput
{
    TensorShape Produced { get; }
}
