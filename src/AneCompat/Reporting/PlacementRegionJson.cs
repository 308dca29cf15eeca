using System.Text.Json;
using AneCompat.Planning;

namespace AneCompat.Reporting;

/// <summary>Writes one <see cref="RegionEstimate"/> of the placement cost model as the report's <c>placementRegions[]</c> item.</summary>
internal static class PlacementRegionJson
{
    public static void Write(Utf8JsonWriter w, RegionEstimate r)
    {
        w.WriteStartObject();
        w.WriteString("function", r.Function);
        w.WriteNumber("firstOp", r.FirstOp);
        w.WriteNumber("lastOp", r.LastOp);
        w.WriteNumber("opCount", r.OpCount);
        w.WriteString("candidate", r.Candidate.ToName());
        w.WriteString("device", r.Device.ToName());
        if (r.CpuUs is double c) w.WriteNumber("cpuMs", Math.Round(c / 1000, 4)); else w.WriteNull("cpuMs");
        w.WriteNumber("candidateMs", Math.Round(r.CandidateUs / 1000, 4));
        w.WriteNumber("boundaryBytes", r.BoundaryBytes);
        w.WriteString("confidence", ConfidenceName(r.Confidence));
        w.WriteEndObject();
    }

    public static string ConfidenceName(PlacementConfidence c) => c switch
    {
        PlacementConfidence.High => "high",
        PlacementConfidence.Low => "low",
        _ => "unknown",
    };
}
