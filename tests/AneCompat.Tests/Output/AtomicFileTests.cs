using AneCompat.Output;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Output;

public class AtomicFileTests
{
    [Fact]
    public void Writes_new_file_and_leaves_no_temporary()
    {
        using var dir = new TempDir();
        var path = dir.File("out.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Equal(new[] { "out.bin" }, dir.Entries());
    }

    [Fact]
    public void Replaces_an_existing_output()
    {
        using var dir = new TempDir();
        var path = dir.File("out.bin");
        File.WriteAllBytes(path, [9, 9, 9, 9, 9]);
        AtomicFile.WriteAllBytes(path, [1]);
        Assert.Equal(new byte[] { 1 }, File.ReadAllBytes(path));
    }

    [Fact]
    public void Refuses_to_write_over_the_input()
    {
        using var dir = new TempDir();
        var input = dir.File("model.mlmodel");
        File.WriteAllBytes(input, [8, 4]);
        var e = Assert.Throws<IOException>(() => AtomicFile.WriteAllBytes(input, [0], protectedPaths: [input]));
        Assert.Contains("refusing to write over the input", e.Message);
        Assert.Equal(new byte[] { 8, 4 }, File.ReadAllBytes(input));
        Assert.Equal(new[] { "model.mlmodel" }, dir.Entries());
    }

    [Fact]
    public void Refuses_to_write_over_the_input_through_another_spelling_or_a_link()
    {
        using var dir = new TempDir();
        var input = dir.File("model.mlmodel");
        File.WriteAllBytes(input, [8, 4]);
        Directory.CreateDirectory(dir.File("sub"));
        var dotted = Path.Combine(dir.Path, "sub", "..", "model.mlmodel");
        Assert.Throws<IOException>(() => AtomicFile.WriteAllBytes(dotted, [0], protectedPaths: [input]));
        var link = dir.File("link.mlmodel");
        File.CreateSymbolicLink(link, input);
        Assert.Throws<IOException>(() => AtomicFile.WriteAllBytes(link, [0], protectedPaths: [input]));
        Assert.Equal(new byte[] { 8, 4 }, File.ReadAllBytes(input));
    }

    [Fact]
    public void Refuses_to_write_inside_an_input_package()
    {
        using var dir = new TempDir();
        var package = dir.File("in.mlpackage");
        Directory.CreateDirectory(package);
        Assert.Throws<IOException>(() => AtomicFile.WriteAllBytes(Path.Combine(package, "x.bin"), [0], protectedPaths: [package]));
        Assert.Empty(Directory.EnumerateFileSystemEntries(package));
    }

    [Fact]
    public void A_failure_midway_leaves_no_partial_file_and_keeps_the_old_one()
    {
        using var dir = new TempDir();
        var fresh = dir.File("fresh.bin");
        var existing = dir.File("existing.bin");
        File.WriteAllBytes(existing, [7, 7]);

        void FailAfterWriting(Stream s)
        {
            s.Write(new byte[100_000]);
            throw new InvalidOperationException("simulated failure");
        }

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(fresh, FailAfterWriting));
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(existing, FailAfterWriting));
        Assert.False(File.Exists(fresh));
        Assert.Equal(new byte[] { 7, 7 }, File.ReadAllBytes(existing));
        Assert.Equal(new[] { "existing.bin" }, dir.Entries());
    }

    [Fact]
    public void Directory_is_renamed_into_place_only_when_complete()
    {
        using var dir = new TempDir();
        var package = dir.File("out.mlpackage");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.WriteDirectory(package, temp =>
        {
            File.WriteAllText(Path.Combine(temp, "Manifest.json"), "{}");
            throw new InvalidOperationException("simulated failure");
        }));
        Assert.Empty(dir.Entries());

        AtomicFile.WriteDirectory(package, temp => File.WriteAllText(Path.Combine(temp, "a.txt"), "new"));
        Assert.Equal("new", File.ReadAllText(Path.Combine(package, "a.txt")));
        Assert.Equal(new[] { "out.mlpackage" }, dir.Entries());
    }

    [Fact]
    public void Directory_replaces_an_existing_one_only_when_asked()
    {
        using var dir = new TempDir();
        var package = dir.File("out.mlpackage");
        AtomicFile.WriteDirectory(package, temp => File.WriteAllText(Path.Combine(temp, "old.txt"), "old"));
        Assert.Throws<IOException>(() => AtomicFile.WriteDirectory(package, temp => File.WriteAllText(Path.Combine(temp, "new.txt"), "new")));
        Assert.True(File.Exists(Path.Combine(package, "old.txt")));

        AtomicFile.WriteDirectory(package, temp => File.WriteAllText(Path.Combine(temp, "new.txt"), "new"), replaceExisting: true);
        Assert.False(File.Exists(Path.Combine(package, "old.txt")));
        Assert.True(File.Exists(Path.Combine(package, "new.txt")));
        Assert.Equal(new[] { "out.mlpackage" }, dir.Entries());

        Assert.Throws<IOException>(() => AtomicFile.WriteDirectory(package, _ => { }, replaceExisting: true, protectedPaths: [package]));
        Assert.True(File.Exists(Path.Combine(package, "new.txt")));
    }
}
