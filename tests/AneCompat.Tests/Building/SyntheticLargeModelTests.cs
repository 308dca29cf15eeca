using AneCompat.Building;
using AneCompat.Schema;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Building;

public class SyntheticLargeModelTests
{
    [Fact]
    public void Writes_exactly_the_requested_size_and_parses()
    {
        const long size = 4L * 1024 * 1024;
        using var dir = new TempDir();
        var path = dir.File("large.mlmodel");
        var plan = SyntheticLargeModel.MakePlan(size);
        SyntheticLargeModel.Write(path, plan);
        Assert.Equal(size, new FileInfo(path).Length);

        var model = Model.Parser.ParseFrom(File.ReadAllBytes(path));
        var layers = model.NeuralNetwork.Layers;
        Assert.Equal(plan.TotalLayers, layers.Count);
        Assert.True(layers.Count >= 3);
        long payload = 0;
        for (var i = 0; i < layers.Count - 1; i++)
        {
            var ip = layers[i].InnerProduct;
            Assert.Equal(NeuralNetworkLayer.LayerOneofCase.InnerProduct, layers[i].LayerCase);
            Assert.Equal(ip.InputChannels, ip.OutputChannels);
            Assert.Equal(2 * (long)ip.InputChannels * (long)ip.OutputChannels, ip.Weights.Float16Value.Length);
            Assert.Equal(i == 0 ? "x" : $"h_{i - 1}", layers[i].Input.Single());
            payload += ip.Weights.Float16Value.Length;
        }
        var tail = layers[^1].LoadConstantND;
        Assert.Equal(2 * (long)tail.Shape.Single(), tail.Data.Float16Value.Length);
        payload += tail.Data.Float16Value.Length;
        // Nearly all of the file is weights.
        Assert.True(payload > size * 99 / 100, $"{payload} of {size} bytes are weights");
        Assert.Equal(plan.WeightBytes, payload);
    }

    [Theory]
    [InlineData(64L * 1024)]
    [InlineData(1024L * 1024 + 3)]
    [InlineData(10L * 1024 * 1024)]
    public void Size_is_exact_for_odd_and_even_targets(long size)
    {
        var counter = new CountingStream();
        SyntheticLargeModel.WriteTo(counter, SyntheticLargeModel.MakePlan(size));
        Assert.Equal(size, counter.Length);
    }

    [Fact]
    public void Memory_stays_bounded_while_writing()
    {
        const long size = 64L * 1024 * 1024;
        var plan = SyntheticLargeModel.MakePlan(size);
        var counter = new CountingStream();
        var before = GC.GetAllocatedBytesForCurrentThread();
        SyntheticLargeModel.WriteTo(counter, plan);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(size, counter.Length);
        Assert.True(allocated < 2 * 1024 * 1024, $"allocated {allocated} bytes to write {size}");
    }

    /// <summary>Discards what is written and counts it.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
