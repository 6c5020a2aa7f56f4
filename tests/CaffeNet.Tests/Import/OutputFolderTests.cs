using System.Text;
using CaffeNet.Import;

namespace CaffeNet.Tests.Import;

/// <summary><see cref="OutputFolder"/>: every file appears, or the folder is as it was.</summary>
public class OutputFolderTests
{
    static Action<Stream> Text(string text) => stream => stream.Write(Encoding.UTF8.GetBytes(text));

    /// <summary>Each file of the folder with its content, by name, to compare whole folders.</summary>
    static Dictionary<string, string> Contents(string folder) =>
        Directory.GetFileSystemEntries(folder).ToDictionary(e => new FileInfo(e).Name, e => Directory.Exists(e) ? "<folder>" : File.ReadAllText(e));

    [Fact]
    public void ANewFolderAppearsWithEveryFile()
    {
        using var dir = new TempDir();
        var output = dir.File("out");

        using (var folder = OutputFolder.Begin(output))
        {
            folder.Write("a.npy", Text("a"));
            folder.Write("index.json", Text("{}"));
            Assert.False(Directory.Exists(output));
            folder.Commit();
        }

        Assert.Equal(new Dictionary<string, string> { ["a.npy"] = "a", ["index.json"] = "{}" }, Contents(output));
        Assert.Equal([output], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void ANameTooLongForTheFileSystemLeavesNoFolderAndNoStaging()
    {
        using var dir = new TempDir();
        var output = dir.File("out");
        var tooLong = new string('x', 300) + ".npy";

        using (var folder = OutputFolder.Begin(output))
        {
            folder.Write("a.npy", Text("a"));
            var e = Assert.Throws<CaffeNetException>(() => folder.Write(tooLong, Text("b")));
            Assert.Equal($"{Path.Combine(output, tooLong)}: cannot write: the name is too long for the file system (304 characters)", e.Message);
        }

        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void AFailureIntoAnExistingFolderLeavesItsFilesUntouched()
    {
        using var dir = new TempDir();
        var output = dir.File("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "mine");

        using (var folder = OutputFolder.Begin(output))
        {
            folder.Write("a.npy", Text("a"));
            Assert.Throws<CaffeNetException>(() => folder.Write(new string('x', 300), Text("b")));
        }

        Assert.Equal(new Dictionary<string, string> { ["notes.txt"] = "mine" }, Contents(output));
        Assert.Equal([output], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void CommittingIntoAnExistingFolderReplacesFilesOfTheSameNameAndKeepsTheRest()
    {
        using var dir = new TempDir();
        var output = dir.File("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "mine");
        File.WriteAllText(Path.Combine(output, "a.npy"), "old a");

        using (var folder = OutputFolder.Begin(output))
        {
            folder.Write("a.npy", Text("new a"));
            folder.Write("b.npy", Text("b"));
            folder.Commit();
        }

        Assert.Equal(new Dictionary<string, string> { ["notes.txt"] = "mine", ["a.npy"] = "new a", ["b.npy"] = "b" }, Contents(output));
        Assert.Equal([output], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void AMoveFailingHalfWayPutsTheFolderBack()
    {
        using var dir = new TempDir();
        var output = dir.File("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "a.npy"), "old a");
        // A folder where the second file goes: its move fails after a.npy has been replaced.
        Directory.CreateDirectory(Path.Combine(output, "b.npy"));

        using (var folder = OutputFolder.Begin(output))
        {
            folder.Write("a.npy", Text("new a"));
            folder.Write("b.npy", Text("b"));
            folder.Write("c.npy", Text("c"));
            var e = Assert.Throws<CaffeNetException>(folder.Commit);
            Assert.StartsWith($"{output}: cannot write: ", e.Message);
            Assert.EndsWith("; nothing was changed", e.Message);
        }

        Assert.Equal(new Dictionary<string, string> { ["a.npy"] = "old a", ["b.npy"] = "<folder>" }, Contents(output));
        Assert.Equal([output], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void AMissingParentOrAFileInTheWayIsRefusedBeforeAnythingIsWritten()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("file"), "x");

        var e = Assert.Throws<CaffeNetException>(() => OutputFolder.Begin(dir.File("no/out")));
        Assert.Equal($"{dir.File("no/out")}: cannot write: folder {dir.File("no")} does not exist", e.Message);
        e = Assert.Throws<CaffeNetException>(() => OutputFolder.Begin(dir.File("file")));
        Assert.Equal($"{dir.File("file")}: is a file, not a folder", e.Message);
        Assert.Equal([dir.File("file")], Directory.GetFileSystemEntries(dir.Path));
    }
}
