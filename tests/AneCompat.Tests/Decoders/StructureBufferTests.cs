using System.Buffers;
using AneCompat.Decoders.Protobuf;

namespace AneCompat.Tests.Decoders;

/// <summary>
/// The chunked buffer the weight-eliding reader writes the structure into: what is read back is exactly what was
/// written and patched, wherever chunk boundaries fall.
/// </summary>
public class StructureBufferTests
{
    private static byte[] ReadBack(StructureBuffer buffer)
    {
        var sequence = buffer.ToSequence();
        Assert.Equal(buffer.Length, sequence.Length);
        return sequence.ToArray();
    }

    [Theory]
    [InlineData((long)StructureBuffer.ChunkSize, 1)]
    [InlineData((long)StructureBuffer.ChunkSize, 2)]
    [InlineData((long)StructureBuffer.ChunkSize, 4)]
    [InlineData(StructureBuffer.LargeChunksFrom, 3)] // the last small chunk and the first large one
    [InlineData(StructureBuffer.LargeChunksFrom + StructureBuffer.LargeChunkSize, 2)]
    public void A_slot_straddling_a_chunk_boundary_is_patched_on_both_sides(long boundary, int bytesBeforeBoundary)
    {
        var buffer = new StructureBuffer();
        var expected = new List<byte>();
        var lead = Enumerable.Range(0, (int)boundary - bytesBeforeBoundary).Select(i => (byte)(i * 7)).ToArray();
        buffer.Write(lead);
        expected.AddRange(lead);
        var slot = buffer.Reserve(5);
        Assert.Equal(lead.Length, slot);
        byte[] tail = [9, 8, 7];
        buffer.Write(tail);

        byte[] patch = [0x81, 0x82, 0x83, 0x84, 0x05];
        buffer.Patch(slot, patch);
        expected.AddRange(patch);
        expected.AddRange(tail);

        Assert.Equal(boundary + 8 - bytesBeforeBoundary, buffer.Length);
        Assert.Equal(expected.ToArray(), ReadBack(buffer));
    }

    [Fact]
    public void Small_and_large_chunks_after_a_small_first_one_read_back_in_order()
    {
        // A small size hint: the first chunk grows to full size before a second is added.
        var buffer = new StructureBuffer(expectedLength: 300);
        var expected = new List<byte>();
        var random = new Random(11);
        var slots = new List<(long At, byte[] Bytes)>();
        while (expected.Count < StructureBuffer.LargeChunksFrom + 2 * StructureBuffer.LargeChunkSize + 12345)
        {
            switch (random.Next(4))
            {
                case 0:
                    var b = (byte)random.Next(256);
                    buffer.WriteByte(b);
                    expected.Add(b);
                    break;
                case 1:
                    var value = (ulong)random.NextInt64() >> random.Next(64);
                    buffer.WriteVarint(value);
                    expected.AddRange(Support.WireMutator.Varint(value));
                    break;
                case 2:
                    var at = buffer.Reserve(5);
                    var patch = new byte[5];
                    random.NextBytes(patch);
                    slots.Add((at, patch));
                    expected.AddRange(patch);
                    break;
                default:
                    var run = new byte[random.Next(1, 3000)];
                    random.NextBytes(run);
                    buffer.Write(run);
                    expected.AddRange(run);
                    break;
            }
        }
        foreach (var (at, bytes) in slots) buffer.Patch(at, bytes);

        Assert.Equal(expected.Count, buffer.Length);
        Assert.Equal(expected.ToArray(), ReadBack(buffer));
    }

    [Fact]
    public void A_patch_past_what_was_written_is_refused()
    {
        var buffer = new StructureBuffer();
        buffer.Write(new byte[10]);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Patch(8, new byte[5]));
    }
}
