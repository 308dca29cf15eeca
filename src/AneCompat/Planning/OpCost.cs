namespace AneCompat.Planning;

/// <summary>
/// Cost figures of one op, from shapes and attributes only (weights are never read).
/// </summary>
/// <param name="Flops">Floating-point operations (a multiply-add counts 2); null when the kind is not modelled or a shape it needs is unknown.</param>
/// <param name="WeightBytes">Bytes of weights the op carries or references (<see cref="Graph.Op.WeightBytes"/>).</param>
/// <param name="ActivationBytes">Bytes of the op's outputs; null when an output's shape or element type is unknown.</param>
public sealed record OpCost(long? Flops, long WeightBytes, long? ActivationBytes);
