using System.Globalization;

namespace CaffeNet.Runtime;

/// <summary>
/// How much managed memory this process may use, checked before a net's tensors are allocated so
/// that a net too big for the machine is refused with one line instead of the runtime's fatal
/// "Out of memory." The budget is measured at each check, as a limit less what the process (or,
/// under the machine's own limit, the machine) already uses, so checks made one after another
/// each see what the earlier ones allocated. Immutable and safe to share.
/// </summary>
public sealed class MemoryBudget
{
    /// <summary>Room kept free under the GC's limit for what no estimate counts (code, small objects, fragmentation).</summary>
    const long MinMargin = 64L << 20;

    readonly long? _cap;
    readonly string _name;
    readonly bool _perCheck;

    MemoryBudget(long? cap, string name, bool perCheck = false)
    {
        _cap = cap;
        _name = name;
        _perCheck = perCheck;
    }

    /// <summary>
    /// What the GC reports this process may have (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>:
    /// the machine's memory, a container's limit or <c>DOTNET_GCHeapHardLimit</c>), less what is in
    /// use and a margin of 5% (at least 64 MiB). Under a heap limit "in use" is this process's heap;
    /// under the machine's or container's limit it is what the GC saw in use there at its last collection.
    /// </summary>
    public static MemoryBudget Available { get; } = new(null, "");

    /// <summary>No check at all.</summary>
    public static MemoryBudget Unlimited { get; } = new(long.MaxValue, "");

    /// <summary>
    /// At most <paramref name="bytes"/> of managed heap for the whole process, in place of what the
    /// GC reports (so it may also be more: the caller's choice). <paramref name="name"/> says where
    /// the figure came from in messages, such as "--max-memory".
    /// </summary>
    public static MemoryBudget AtMost(long bytes, string name = "the memory budget")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 1);
        return new MemoryBudget(bytes, name);
    }

    /// <summary>
    /// <paramref name="bytes"/> for each check, whatever the process already uses: the same answer
    /// for the same net every time, for tests and fuzzing (what is really free is not looked at).
    /// </summary>
    public static MemoryBudget PerCheck(long bytes, string name = "the memory budget")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 1);
        return new MemoryBudget(bytes, name, perCheck: true);
    }

    public bool IsUnlimited => _cap == long.MaxValue;

    /// <summary>How the budget is set, as help texts show a default.</summary>
    public override string ToString() => _cap switch
    {
        null => "what the GC reports available",
        long.MaxValue => "unlimited",
        long cap => ByteSize.Format(cap),
    };

    /// <summary>The bytes that may be allocated now.</summary>
    public long AvailableBytes => IsUnlimited ? long.MaxValue : Measure(collect: false).Available;

    /// <summary>
    /// Refuses <paramref name="needed"/> bytes when they are more than is available: a
    /// <see cref="MemoryBudgetException"/> whose message says "<paramref name="what"/> needs N (<paramref name="parts"/>);
    /// M is available (...)". Before refusing, the heap is collected and measured again, so
    /// garbage not yet collected does not count as in use.
    /// </summary>
    public void Check(long needed, string what, string? parts = null)
    {
        if (IsUnlimited || needed <= Measure(collect: false).Available)
            return;
        var room = Measure(collect: true);
        if (needed <= room.Available)
            return;
        string detail = parts is null ? "" : $" ({parts})";
        throw new MemoryBudgetException(
            $"{what} needs {ByteSize.Format(needed)}{detail}; {Describe(room)}", needed, room.Available);
    }

    /// <summary>The same for the parts of an estimate.</summary>
    public void Check(MemoryEstimate estimate, string what) => Check(estimate.Total, what, estimate.ToString());

    string Describe(Room room) => _cap is null
        ? $"{ByteSize.Format(room.Available)} is available ({room.LimitName} {ByteSize.Format(room.Limit)} " +
          $"less {ByteSize.Format(room.InUse)} in use and a {ByteSize.Format(room.Margin)} margin)"
        : _perCheck ? $"{_name} allows {ByteSize.Format(room.Limit)}"
        : $"{_name} allows {ByteSize.Format(room.Limit)}, of which {ByteSize.Format(room.InUse)} is in use, " +
          $"so {ByteSize.Format(room.Available)} is available";

    readonly record struct Room(string LimitName, long Limit, long InUse, long Margin)
    {
        public long Available => Math.Max(0, Limit - InUse - Margin);
    }

    Room Measure(bool collect)
    {
        if (_perCheck)
            return new Room(_name, _cap!.Value, 0, 0);
        if (collect)
            GC.Collect();
        else if (GC.CollectionCount(0) == 0)
            GC.Collect(0); // Until the first collection the GC knows nothing of the machine's load.
        long heap = GC.GetTotalMemory(forceFullCollection: false);
        if (_cap is long cap)
            return new Room(_name, cap, heap, 0);
        var info = GC.GetGCMemoryInfo();
        long limit = info.TotalAvailableMemoryBytes;
        long margin = Math.Max(MinMargin, limit / 20);
        if (HeapLimited)
            return new Room("the GC heap limit", limit, heap, margin);
        // The machine's load includes this process as it was at the last collection; add its growth since.
        long inUse = info.MemoryLoadBytes + Math.Max(0, heap - info.HeapSizeBytes);
        return new Room("memory", limit, inUse, margin);
    }

    /// <summary>True under DOTNET_GCHeapHardLimit (or its percent form, or a container's default heap limit), fixed at start-up.</summary>
    static readonly bool HeapLimited =
        GC.GetConfigurationVariables().TryGetValue("GCHeapHardLimit", out var value) &&
        value is IConvertible c && c.ToUInt64(CultureInfo.InvariantCulture) > 0;
}
