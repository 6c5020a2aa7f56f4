namespace CaffeNet.Runtime;

/// <summary>A net, or a part of one, that does not fit its <see cref="MemoryBudget"/>.</summary>
public sealed class MemoryBudgetException(string message, long needed, long available) : CaffeNetException(message)
{
    public long Needed { get; } = needed;

    public long Available { get; } = available;
}
