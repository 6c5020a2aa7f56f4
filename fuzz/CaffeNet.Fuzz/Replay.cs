namespace CaffeNet.Fuzz;

/// <summary>Runs saved inputs (afl-fuzz's crashes/ and hangs/) outside afl-fuzz, for triage.</summary>
static class Replay
{
    public static int Files(IFuzzTarget target, IEnumerable<string> paths)
    {
        int crashes = 0;
        foreach (var path in paths)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                target.Run(File.ReadAllBytes(path));
                Console.WriteLine($"{path}: ok ({clock.ElapsedMilliseconds} ms)");
            }
            catch (CaffeNetException e)
            {
                Console.WriteLine($"{path}: refused ({clock.ElapsedMilliseconds} ms): {e.Message}");
            }
            catch (Exception e)
            {
                crashes++;
                Console.WriteLine($"{path}: CRASH ({clock.ElapsedMilliseconds} ms): {e}");
            }
        }
        return crashes == 0 ? 0 : 1;
    }
}
