namespace CaffeNet.Runtime;

/// <summary>A net, or a part of one, that does not fit its <see cref="MemoryBudget"/>.</summary>
public sealed class MemoryBudgetException(string message, long needed, long available) : CaffeNetException(message)
{
    /// <summary>The bytes the refused allocation needed.</summary>
    public long Needed { get; } = needed;

    /// <summary>The bytes the budget had for it.</summary>
    public long Available { get; } = available;
}
