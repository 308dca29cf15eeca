using AneCompat.Planning;

namespace AneCompat.Comparison.PlanComparison;

/// <summary>One op of Core ML's own plan (MLComputePlan), as a plan file or a pasted printout gives it.</summary>
/// <param name="Position">Its position in the plan, in program order (0-based).</param>
/// <param name="Function">The ML program function, when the plan names it.</param>
/// <param name="Name">Its first output's name (ML program) or layer name (NeuralNetwork), when the plan gives it.</param>
/// <param name="Type">Its operator or layer type, without the opset prefix (<c>ios16.matmul</c> → <c>matmul</c>).</param>
/// <param name="Preferred">The device Core ML prefers for it; null when the plan has none (const ops).</param>
/// <param name="Supported">The devices that can run it, as Core ML reports them.</param>
/// <param name="Cost">Core ML's estimated relative cost (ML programs only), when given.</param>
public sealed record ObservedOp(int Position, string? Function, string? Name, string Type, Device? Preferred, IReadOnlyList<Device> Supported, double? Cost);

/// <summary>Core ML's plan of one model, read from the JSON that <c>anecompat plan-script</c> writes or from a pasted printout.</summary>
/// <param name="Source">The plan file's path.</param>
/// <param name="ComputeUnits">The compute units the plan was made for, when the plan says (<c>all</c>, <c>cpu-and-ne</c> …).</param>
/// <param name="Os">The OS the plan was made on, when the plan says.</param>
/// <param name="Chip">The chip, as the plan names it (<c>Apple M4 Pro</c>), when the plan says.</param>
public sealed record ObservedPlan(string Source, string? ComputeUnits, string? Os, string? Chip, string? Model, IReadOnlyList<ObservedOp> Ops);

/// <summary>A plan file that is neither the documented JSON nor a printout; the message names the file and what is wrong.</summary>
public sealed class PlanFormatException(string message) : Exception(message);
