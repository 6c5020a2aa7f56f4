namespace CaffeNet.Cli.Run;

/// <summary>
/// The .npy file names of one output folder: characters outside [A-Za-z0-9._-] become '_', and as
/// two names may then meet ("a/b", "a_b"), a later one gets a suffix (a_b~2.npy).
/// </summary>
public sealed class NpyFileNames
{
    readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    public string For(string name)
    {
        var stem = SafeName(name);
        var file = stem + ".npy";
        for (int n = 2; !_taken.Add(file); n++)
            file = $"{stem}~{n}.npy";
        return file;
    }

    static string SafeName(string name)
    {
        var chars = name.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            char c = chars[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                chars[i] = '_';
        }
        return new string(chars);
    }
}
