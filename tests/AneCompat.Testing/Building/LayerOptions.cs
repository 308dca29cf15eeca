namespace AneCompat.Building;

/// <summary>How a convolution or pooling layer pads: valid (optionally with explicit amounts) or same.</summary>
public readonly record struct ConvPadding(bool IsSame, ulong Top = 0, ulong Bottom = 0, ulong Left = 0, ulong Right = 0)
{
    public static ConvPadding Valid => new(false);
    public static ConvPadding Same => new(true);

    /// <summary>Valid padding with explicit border amounts (H first, then W, as the format stores them).</summary>
    public static ConvPadding Explicit(ulong top, ulong bottom, ulong left, ulong right) => new(false, top, bottom, left, right);

    public bool HasAmounts => Top != 0 || Bottom != 0 || Left != 0 || Right != 0;
}

/// <summary>The non-linearities of <c>ActivationParams</c> (formats.md §a.8).</summary>
public enum ActivationKind
{
    Linear, ReLU, LeakyReLU, ThresholdedReLU, PReLU, Tanh, ScaledTanh, Sigmoid, SigmoidHard, ELU, Softsign, Softplus,
    ParametricSoftplus,
}

/// <summary>The border fill of a <c>padding</c> layer.</summary>
public enum PaddingFill { Constant, Reflection, Replication }
