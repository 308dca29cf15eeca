namespace AneCompat.Diagnostics;

/// <summary>
/// One contract for every stage that touches a model's content — reading, rules, planner, every writer: a failure
/// caused by the model becomes a <see cref="ModelReadException"/> (one line naming the file, exit 3), never an
/// "internal error". Stages validate what they use and saturate their totals (<see cref="Saturating"/>); this guard
/// is the net under them, so one hostile value can never take down a run or a folder of models.
/// </summary>
public static class PipelineGuard
{
    /// <summary>
    /// Exceptions a stage can let slip on hostile numbers or structures (arithmetic, argument, index, cast, key,
    /// null-reference, invalid-operation, not-supported, format, corrupt protobuf/JSON). I/O errors are not among
    /// them: they concern the disk, not the model, and each caller words them itself.
    /// </summary>
    public static bool IsModelFault(Exception e) =>
        e is Google.Protobuf.InvalidProtocolBufferException or System.Text.Json.JsonException or FormatException
            or ArithmeticException or InvalidDataException or ArgumentException or IndexOutOfRangeException
            or InvalidOperationException or KeyNotFoundException or NullReferenceException or InvalidCastException
            or NotSupportedException or InsufficientExecutionStackException;

    /// <summary>Runs <paramref name="stage"/> on the model at <paramref name="modelPath"/> under the guard.</summary>
    /// <param name="what">What the stage does, for the message: "analysis", "writing the JSON report" …</param>
    public static T Run<T>(string modelPath, string what, Func<T> stage)
    {
        try
        {
            return stage();
        }
        catch (ModelReadException) { throw; }
        catch (Exception e) when (IsModelFault(e))
        {
            throw Fault(modelPath, what, e);
        }
    }

    public static void Run(string modelPath, string what, Action stage) =>
        Run(modelPath, what, () => { stage(); return 0; });

    /// <summary>The one-line error for a model fault <paramref name="e"/> met while doing <paramref name="what"/>.</summary>
    public static ModelReadException Fault(string modelPath, string what, Exception e) =>
        e is InsufficientExecutionStackException
            ? new ModelReadException(modelPath, $"{what}: structures nested too deeply", e)
            : new ModelReadException(modelPath, $"{what} failed on values in this model ({e.GetType().Name}: {SafeText.Quote(e.Message, 300)})", e);
}
