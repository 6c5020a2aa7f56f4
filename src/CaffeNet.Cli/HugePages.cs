using System.Globalization;
using System.Runtime.InteropServices;

namespace CaffeNet.Cli;

/// <summary>
/// Asks Linux for transparent huge pages on the GC heap (madvise MADV_HUGEPAGE, for kernels whose
/// THP mode is "madvise", the common default). A command touches tens of MiB of fresh memory once
/// (weights, their packed copies, activations); with 4 KiB pages that is thousands of page faults,
/// which on a virtual machine were about a fifth of `caffenet run`'s CPU time on MobileNetV2. Only
/// the executable does this, never the library; anything unexpected leaves the heap as it was.
/// </summary>
internal static partial class HugePages
{
    const int MadvHugePage = 14;

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);

    public static void AdviseGcHeap()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            // The GC reserves its heap as one range up front and commits it piece by piece: the
            // anonymous mappings around a fresh array's address, as long as they adjoin, are that range.
            var probe = GC.AllocateUninitializedArray<byte>(1 << 16);
            ulong at = (ulong)Marshal.UnsafeAddrOfPinnedArrayElement(probe, 0);
            var maps = File.ReadAllLines("/proc/self/maps").Select(Parse).ToList();
            int i = maps.FindIndex(m => m.Start <= at && at < m.End);
            if (i < 0 || !maps[i].Anonymous)
                return;
            int lo = i, hi = i;
            while (lo > 0 && maps[lo - 1].Anonymous && maps[lo - 1].End == maps[lo].Start)
                lo--;
            while (hi < maps.Count - 1 && maps[hi + 1].Anonymous && maps[hi + 1].Start == maps[hi].End)
                hi++;
            GC.KeepAlive(probe);
            // A failure (THP off, an old kernel) changes nothing; the result is not needed.
            _ = Madvise((nint)maps[lo].Start, (nuint)(maps[hi].End - maps[lo].Start), MadvHugePage);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException
                                      or DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    /// <summary>"start-end perms offset dev inode [path]"; no path: anonymous memory.</summary>
    static (ulong Start, ulong End, bool Anonymous) Parse(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        var range = fields[0].Split('-');
        return (ulong.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            ulong.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            fields.Length < 6 || fields[5].Trim().Length == 0);
    }
}
