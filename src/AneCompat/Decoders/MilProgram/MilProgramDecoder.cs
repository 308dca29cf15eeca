using AneCompat.Decoders.Blobs;
using AneCompat.Graph;

namespace AneCompat.Decoders.MilProgram;

// PLACEHOLDER until the ML program decoder branch is merged.
public static class MilProgramDecoder
{
    public static List<GraphFunction> Decode(AneCompat.Schema.Mil.Program program, MilBlobReader blobs, List<ReadWarning> warnings, string functionPrefix)
        => throw new NotImplementedException();
}
