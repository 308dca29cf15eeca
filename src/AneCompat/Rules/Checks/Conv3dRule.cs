using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>CONV-3D: a conv with three spatial axes; CPU-only before iOS 17, GPU from iOS 17, ANE via Core ML unconfirmed.</summary>
public sealed class Conv3dRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.Conv3d };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Conv, OpKinds.ConvTranspose, OpKinds.AvgPool, OpKinds.MaxPool, OpKinds.L2Pool, OpKinds.Pool };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (Conv.Kernel(ctx) is not { Length: 3 } k) return [];
        return [ctx.Report(Descriptors.Conv3d,
            $"{ctx.Label}: 3-D kernel {Conv.Show(k)}; Conv3d was CPU-only before iOS 17 and GPU-capable from iOS 17; ANE via Core ML is unconfirmed (the direct path says 3-D depth is native on h13+).")];
    }
}
