using AneCompat.Building;
using AneCompat.Containers;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Containers;

/// <summary>A folder scan does not descend into the kernel's own file systems (/proc, /sys …), and says so.</summary>
public class KernelFileSystemTests
{
    [Fact]
    public void MountinfoLinesGiveTheKernelMountPointsAndNotOrdinaryOnes()
    {
        using var t = new TempDir();
        var info = t.Write("mountinfo", string.Join("\n",
            "22 27 0:21 / /proc rw,relatime - proc proc rw",
            "24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,mode=755",
            "25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw",
            "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
            "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw",
            "50 27 0:40 / /mnt/with\\040space rw - sysfs sysfs rw",
            "garbage line",
            ""));
        var mounts = KernelFileSystems.Read(info);
        Assert.Equal("proc", mounts["/proc"]);
        Assert.Equal("devtmpfs", mounts["/dev"]);
        Assert.Equal("cgroup2", mounts["/sys/fs/cgroup/unified"]);
        Assert.Equal("sysfs", mounts["/mnt/with space"]);
        Assert.False(mounts.ContainsKey("/dev/shm")); // tmpfs may hold models
        Assert.False(mounts.ContainsKey("/"));
        Assert.Empty(KernelFileSystems.Read(t.File("missing")));
    }

    [Fact]
    public void ThisMachinesProcIsAKernelFileSystemWhereThereIsOne()
    {
        if (!File.Exists("/proc/self/mountinfo")) return; // not Linux: nothing to read
        Assert.Equal("proc", KernelFileSystems.MountPoints["/proc"]);
    }

    [Fact]
    public void AScanSkipsAKernelMountWithAWarningAndFindsTheModelsBesideIt()
    {
        using var t = new TempDir();
        var proc = Directory.CreateDirectory(t.File("proc")).FullName;
        new NeuralNetworkModelBuilder().MultiArrayInput("x", [4]).ReLU("r", "x", "y").MultiArrayOutput("y", [4]).Write(Path.Combine(proc, "hidden.mlmodel"));
        new NeuralNetworkModelBuilder().MultiArrayInput("x", [4]).ReLU("r", "x", "y").MultiArrayOutput("y", [4]).Write(t.File("seen.mlmodel"));
        var refused = new List<(string Path, string Problem)>();
        var scan = ModelLocator.Scan(t.Path, refused, new Dictionary<string, string> { [proc] = "proc" });
        Assert.Equal([t.File("seen.mlmodel")], scan.Models);
        var (path, problem) = Assert.Single(refused);
        Assert.Equal(proc, path);
        Assert.Equal("proc is a kernel file system; not searched for models", problem);
        // Without the mount the same folder is searched.
        Assert.Equal(2, ModelLocator.Scan(t.Path, null, new Dictionary<string, string>()).Models.Count);
    }
}
