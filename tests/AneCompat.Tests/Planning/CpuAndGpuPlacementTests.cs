using AneCompat.Planning;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Planning;

/// <summary>
/// Compute units cpu-and-gpu on a real fp32 ML program: fp32 bars only the ANE, so ops kept off it by precision alone
/// run on the GPU with the rest of the network; an op blocked by another rule stays on the CPU.
/// </summary>
public class CpuAndGpuPlacementTests
{
    private const string Cifar = "cifar10-mlpackage/CIFAR10NetMPS_4.mlpackage";

    [CorpusFact]
    public void OpsBarredOnlyByFp32RunOnTheGpuAndOtherBlockersStayOnTheCpu()
    {
        var report = Analyzer.Analyze(Corpus.Path(Cifar), units: ComputeUnits.CpuAndGpu);
        var compute = report.Ops.Where(o => o.Device is not null).ToList();
        var fp32Only = compute.Where(o => o.Findings.Any(f => f.BlocksAne)
            && o.Findings.Where(f => f.BlocksAne).All(f => PlacementCostModel.GpuCapableBlockers.Contains(f.RuleId))).ToList();
        Assert.NotEmpty(fp32Only);
        Assert.All(fp32Only, o => Assert.Equal(Device.Gpu, o.Device));
        var otherwiseBlocked = compute.Where(o => o.Findings.Any(f => f.BlocksAne && !PlacementCostModel.GpuCapableBlockers.Contains(f.RuleId))).ToList();
        Assert.NotEmpty(otherwiseBlocked);
        Assert.All(otherwiseBlocked, o => Assert.Equal(Device.Cpu, o.Device));
        // Under cpu-and-ne the same fp32 ops have no GPU to go to.
        var ne = Analyzer.Analyze(Corpus.Path(Cifar), units: ComputeUnits.CpuAndNeuralEngine);
        Assert.All(fp32Only, o => Assert.Equal(Device.Cpu, ne.Ops.Single(n => n.Index == o.Index).Device));
    }
}
