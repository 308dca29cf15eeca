using AneCompat.Tests.Support;
using System.Buffers.Binary;
using AneCompat.Decoders.Compiled;
using AneCompat.Diagnostics;
using AneCompat.Graph;

namespace AneCompat.Tests.Decoders.Compiled;

/// <summary>Damaged compiled models (temp copies) fail with one line naming the file, or read with a warning where the file is optional.</summary>
public class CompiledBadInputTests
{
    private const string S4tf = "s4tf-retrained-mlmodelc/s4tf_model_retrained.mlmodelc";
    private const string Waifu = "waifu2x-up-photo-2x-mlmodelc/up_photo_scale2x_model.mlmodelc";
    private const string MarsMember = "mars-habitat-pricer-mlmodelc/MarsHabitatPricer.mlmodelc";

    private static ModelReadException ReadFails(string dir, string namedFile)
    {
        var e = Assert.Throws<ModelReadException>(() => ModelReader.Read(dir));
        Assert.Contains(namedFile, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    /// <summary>
    /// s4tf's coremldata.bin is 298 bytes: header to 0x53, description to 0x10C, then the trailer (u64 500, u64 1,
    /// u64 6, "output"). Every cut lands in a part the reader needs or checks.
    /// </summary>
    [CorpusTheory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(0x10)]
    [InlineData(0x20)]
    [InlineData(0x30)]
    [InlineData(0x50)]
    [InlineData(0x60)]
    [InlineData(0x100)]
    [InlineData(0x110)]
    [InlineData(0x118)]
    [InlineData(0x125)]
    public void Truncated_coremldata_bin_is_a_read_error(int length)
    {
        using var model = TempModel.CopyOf(S4tf);
        var path = model.PathOf("coremldata.bin");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..length]);
        ReadFails(model.Dir, "coremldata.bin");
    }

    [CorpusTheory]
    [InlineData(0x40)]
    [InlineData(0x80)]
    public void Truncated_classical_member_spec_is_a_read_error(int length)
    {
        using var model = TempModel.CopyOf(MarsMember);
        var path = model.PathOf("model1/coremldata.bin");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..length]);
        ReadFails(model.Dir, "model1/coremldata.bin");
    }

    [CorpusFact]
    public void Description_length_past_the_end_is_a_read_error()
    {
        using var model = TempModel.CopyOf(S4tf);
        var path = model.PathOf("coremldata.bin");
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(0x4B), 0xFFFF_FFFF_FFFFUL);
        File.WriteAllBytes(path, bytes);
        var e = ReadFails(model.Dir, "coremldata.bin");
        Assert.Contains("past the end", e.Message);
    }

    [CorpusFact]
    public void Unknown_model_type_number_is_a_read_error()
    {
        using var model = TempModel.CopyOf(S4tf);
        var path = model.PathOf("coremldata.bin");
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 12345);
        File.WriteAllBytes(path, bytes);
        ReadFails(model.Dir, "coremldata.bin");
    }

    [CorpusTheory]
    [InlineData("{ \"layers\": [ { \"type\": \"convolution\", ")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{ \"layers\": [ { \"name\": \"no type\" } ] }")]
    [InlineData("{ \"layers\": [ 42 ] }")]
    public void Malformed_espresso_net_is_a_read_error(string text)
    {
        using var model = TempModel.CopyOf(S4tf);
        File.WriteAllText(model.PathOf("model.espresso.net"), text);
        ReadFails(model.Dir, "model.espresso.net");
    }

    [CorpusFact]
    public void Json_nesting_bomb_is_a_read_error()
    {
        using var model = TempModel.CopyOf(S4tf);
        const int depth = 100_000;
        File.WriteAllText(model.PathOf("model.espresso.net"),
            "{\"layers\": [{\"type\": \"x\", \"weights\": " + new string('[', depth) + new string(']', depth) + "}]}");
        ReadFails(model.Dir, "model.espresso.net");
    }

    [CorpusFact]
    public void Espresso_layers_over_the_op_limit_are_counted_before_the_document_is_built()
    {
        // One empty layer more than the op limit: 3 bytes each on disk. Refused by the forward scan, so neither the
        // JsonDocument (12 bytes of index per token) nor a single op is built.
        using var model = TempModel.CopyOf(S4tf);
        var json = new System.Text.StringBuilder("{\"layers\": [");
        for (var i = 0; i <= Limits.MaxOps; i++) json.Append(i == 0 ? "{}" : ",{}");
        File.WriteAllText(model.PathOf("model.espresso.net"), json.Append("]}").ToString());
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = ReadFails(model.Dir, "model.espresso.net");
        Assert.Contains($"more than {Limits.MaxOps} layers", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 32L * 1024 * 1024);
    }

    [CorpusFact]
    public void Espresso_net_of_more_tokens_than_the_limit_is_refused_before_the_document_is_built()
    {
        // [0,0,0,…] under the byte limit but over the token limit: as a JsonDocument it would cost 12 bytes a token.
        using var model = TempModel.CopyOf(S4tf);
        var count = Limits.MaxJsonTokens + 1;
        using (var f = File.Create(model.PathOf("model.espresso.net")))
        {
            f.Write("{\"layers\": [], \"pad\": ["u8);
            var zeros = new byte[1 << 20];
            for (var i = 0; i < zeros.Length; i += 2) { zeros[i] = (byte)'0'; zeros[i + 1] = (byte)','; }
            for (long written = 0; written < count; written += zeros.Length / 2) f.Write(zeros);
            f.Write("0]}"u8);
        }
        Assert.True(new FileInfo(model.PathOf("model.espresso.net")).Length < Limits.MaxEspressoJsonBytes);
        var e = ReadFails(model.Dir, "model.espresso.net");
        Assert.Contains($"more than {Limits.MaxJsonTokens} JSON tokens", e.Message);
    }

    [CorpusFact]
    public void Malformed_espresso_shape_and_metadata_json_are_read_errors()
    {
        using (var model = TempModel.CopyOf(S4tf))
        {
            File.WriteAllText(model.PathOf("model.espresso.shape"), "{\"layer_shapes\": 3}");
            ReadFails(model.Dir, "model.espresso.shape");
        }
        using (var model = TempModel.CopyOf(S4tf))
        {
            File.WriteAllText(model.PathOf("metadata.json"), "[{\"inputSchema\": [{\"shape\": \"[1]\"}]}]");
            ReadFails(model.Dir, "metadata.json");
        }
    }

    [CorpusFact]
    public void Weights_table_past_the_end_is_a_read_error()
    {
        using var model = TempModel.CopyOf(S4tf);
        var path = model.PathOf("model.espresso.weights");
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);
        File.WriteAllBytes(path, bytes);
        ReadFails(model.Dir, "model.espresso.weights");
    }

    [CorpusFact]
    public void Missing_weights_file_is_a_warning_and_the_graph_is_complete()
    {
        using var model = TempModel.CopyOf(Waifu);
        File.Delete(model.PathOf("model.espresso.weights"));
        var graph = ModelReader.Read(model.Dir);
        Assert.Contains(graph.Warnings, w => w.Code == "espresso-weights-missing" && w.Message.Contains("model.espresso.weights"));
        Assert.Equal(13, graph.AllOps().Count());
        Assert.Equal(0, graph.WeightBytes);
    }

    [CorpusFact]
    public void Missing_metadata_json_is_a_warning()
    {
        // The corpus NeuralNetworks ship without metadata.json (the app stripped it).
        var graph = ModelReader.Read(Support.Corpus.Path(S4tf));
        Assert.Contains(graph.Warnings, w => w.Code == "metadata-json-missing" && w.Message.Contains("metadata.json"));
    }

    [CorpusFact]
    public void Missing_coremldata_bin_is_a_warning_and_the_interface_comes_from_the_espresso_net()
    {
        using var model = TempModel.CopyOf(Waifu);
        File.Delete(model.PathOf("coremldata.bin"));
        var graph = ModelReader.Read(model.Dir);
        Assert.Contains(graph.Warnings, w => w.Code == "coremldata-missing" && w.Message.Contains("coremldata.bin"));
        Assert.Equal("neuralNetwork", graph.Root.ModelType);
        var input = Assert.Single(graph.Root.Interface.Inputs);
        Assert.Equal("input", input.Name);
        Assert.Equal(new long[] { 1, 3, 156, 156 }, input.Shape);
        Assert.Equal("conv7", Assert.Single(graph.Root.Interface.Outputs).Name);
    }

    [Fact]
    public void Folder_without_any_compiled_model_file_is_a_read_error()
    {
        using var model = TempModel.Empty();
        File.WriteAllText(model.PathOf("metadata.json"), "[]");
        var e = Assert.Throws<ModelReadException>(() => CompiledModelDecoder.Decode(model.Dir, "", new List<ReadWarning>(), new Dictionary<string, string>()));
        Assert.Contains("coremldata.bin", e.Message);
    }
}
