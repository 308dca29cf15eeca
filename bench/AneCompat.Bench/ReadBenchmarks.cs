using AneCompat.Building;
using BenchmarkDotNet.Attributes;

namespace AneCompat.Bench;

/// <summary>
/// ModelReader.Read on generated models: the README sample and synthetic NeuralNetwork models of 10 MiB and
/// 100 MiB of inline weights. Models are generated once into a temporary folder and reused between runs.
/// </summary>
[MemoryDiagnoser]
public class ReadBenchmarks
{
    private string _path = "";

    [Params("tiny-convnet", "10MiB", "100MiB")]
    public string Model { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var dir = Path.Combine(Path.GetTempPath(), "anecompat-bench");
        Directory.CreateDirectory(dir);
        _path = Path.Combine(dir, Model + ".mlmodel");
        if (File.Exists(_path)) return;
        if (Model == "tiny-convnet") TinyConvNet.Write(_path);
        else if (ByteSize.TryParse(Model, out var size)) SyntheticLargeModel.Write(_path, SyntheticLargeModel.MakePlan(size));
        else throw new ArgumentException($"unknown benchmark model {Model}");
    }

    [Benchmark]
    public int Read() => ModelReader.Read(_path).AllOps().Count();
}
