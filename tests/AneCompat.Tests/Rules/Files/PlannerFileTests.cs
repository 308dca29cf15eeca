using AneCompat.Building;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Targets;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Rules.Files;

/// <summary>The planner and the CLI on built files: the split a custom layer causes, and a chip-dependent status.</summary>
public class PlannerFileTests
{
    /// <summary>
    /// Each conv: 64→64 channels, 3×3, on 128×128 — about 1.2 GFLOP, ≈1.5 ms on the CPU by the placement cost model, far
    /// above the ANE's dispatch overhead (a 32-channel 64×64 conv, ≈75 MFLOP, would stay on the CPU).
    /// </summary>
    private static NeuralNetworkModelBuilder ConvCustomConv() => new NeuralNetworkModelBuilder()
        .MultiArrayInput("image", [64, 128, 128])
        .Convolution("conv1", "image", "conv1_out", outputChannels: 64, kernelChannels: 64, padding: ConvPadding.Same)
        .Custom("swish", ["conv1_out"], ["swish_out"], "MySwish")
        .Convolution("conv2", "swish_out", "conv2_out", outputChannels: 64, kernelChannels: 64, padding: ConvPadding.Same)
        .MultiArrayOutput("conv2_out", [64, 128, 128]);

    [Fact]
    public void ConvCustomConv_splits_into_ANE_CPU_ANE_at_the_custom_layer()
    {
        var report = ReportBuilder.Analyze(RealFile.Nn(ConvCustomConv()), ChipProfiles.Find("A17Pro")!, ComputeUnits.All);
        Assert.Equal(new[] { Device.Ane, Device.Cpu, Device.Ane }, report.Segments.Select(s => s.Device));
        Assert.Equal(new[] { "conv1_out" }, report.Segments[1].Inputs.Select(b => b.Name));
        Assert.Equal(new[] { "swish_out" }, report.Segments[2].Inputs.Select(b => b.Name));
        // fp32 [1, 64, 128, 128] crosses into the custom layer (its output shape is not in the file, so the way back is unsized).
        Assert.Equal(4L * 64 * 128 * 128, report.Segments[1].CopyBytes);
        Assert.Equal(CompatibilityStatus.Partial, report.Status);
    }

    [Fact]
    public void TargetAll_status_changes_between_M1_and_M2_on_a_texture_op()
    {
        using var dir = new TempDir();
        var path = dir.File("crop.mlmodel");
        new NeuralNetworkModelBuilder().SpecificationVersion(4)
            .MultiArrayInput("image", [32, 64, 64]).MultiArrayInput("roi", [1, 1, 5, 1, 1])
            .Convolution("conv1", "image", "conv1_out", outputChannels: 32, kernelChannels: 32, padding: ConvPadding.Same)
            .Layer("crop", ["conv1_out", "roi"], ["crop_out"], l => l.CropResize = new AneCompat.Schema.CropResizeLayerParams { TargetSize = { 64UL, 64UL } })
            .Convolution("conv2", "crop_out", "conv2_out", outputChannels: 32, kernelChannels: 32, padding: ConvPadding.Same)
            .MultiArrayOutput("conv2_out", [32, 64, 64])
            .Write(path);

        var result = CliRunner.Run(path, "--target", "all");
        var rows = result.Stdout.Split('\n');
        string Row(string chip) => Assert.Single(rows, l => l.Contains($" {chip} ") && l.Contains("h1"));
        Assert.Contains("partially compatible", Row("M1"));
        Assert.Contains("partially compatible", Row("A14"));
        Assert.DoesNotContain("partially compatible", Row("M2"));
        Assert.Contains("fully compatible", Row("M2"));
        Assert.Equal(1, result.ExitCode); // the worst row
    }
}
