using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

/// <summary>
/// Where the blocked 1x1 and KxK kernels fetch the next run's weights ahead: every fetched float lies
/// in the packed weights, inside the one output block's row it streams, and the fetch holds the whole
/// chunk read next when that is the same group's next chunk (a prefetch never changes a value, so the
/// kernel tests cannot see a wrong target; these can).
/// </summary>
public class WeightPrefetchTests
{
    [Theory]
    [InlineData(601, 128, 5, 4, 16)] // short last chunk
    [InlineData(601, 128, 5, 4, 8)]
    [InlineData(256, 128, 3, 3, 16)] // chunks that divide the channels, a short last group
    [InlineData(96, 128, 7, 4, 8)] // one chunk
    [InlineData(1000, 96, 1, 1, 16)] // one block
    public void Pointwise_fetches_stay_in_their_row_and_hold_the_next_chunk(int inputs, int chunk, int outBlocks, int group, int block)
    {
        var job = new BlockedPointwise.Job { Inputs = inputs, Chunk = chunk, OutBlocks = outBlocks, Group = group, Block = block };
        long row = (long)inputs * block, total = outBlocks * row;
        int fetches = 0;
        for (int ob = 0; ob < outBlocks; ob += group)
        {
            for (int c = 0; c < inputs; c += chunk)
            {
                long at = job.Upcoming(ob, c, out int blocks);
                long length = (long)Math.Min(chunk, inputs - c) * block; // a run fetches as many channels as it reads
                for (int k = 0; k < blocks; k++)
                {
                    long start = at + k * row, end = start + length;
                    Assert.InRange(start, 0, total - length);
                    Assert.Equal(start / row, (end - 1) / row);
                    fetches++;
                }
                if (c + chunk < inputs)
                {
                    Assert.Equal(Math.Min(group, outBlocks - ob), blocks);
                    long next = (long)ob * row + (long)(c + chunk) * block, nextEnd = (long)ob * row + (long)Math.Min(c + 2 * chunk, inputs) * block;
                    Assert.True(at <= next && nextEnd <= at + length, $"chunk after {c} not fetched whole");
                }
                else
                {
                    Assert.Equal(Math.Max(0, Math.Min(group, outBlocks - ob - group)), blocks);
                    if (blocks > 0)
                        Assert.Equal((long)(ob + group) * row, at);
                }
            }
        }
        Assert.True(fetches > 0);
    }

    [Theory]
    [InlineData(6, 4, 3, 3, 5, 16, 2)] // short last chunk of input blocks, short last group, two runs
    [InlineData(6, 4, 3, 3, 5, 8, 1)]
    [InlineData(9, 3, 7, 7, 2, 16, 3)]
    [InlineData(2, 4, 1, 1, 4, 8, 1)] // one chunk
    public void Conv_fetches_stay_in_their_row_and_hold_the_next_chunk(int inBlocks, int chunkBlocks, int kernelH, int kernelW, int outBlocks, int block, int runs)
    {
        int group = 2, groups = (outBlocks + group - 1) / group, chunks = (inBlocks + chunkBlocks - 1) / chunkBlocks;
        var job = new BlockedConv.Job
        {
            Block = block, InBlocks = inBlocks, OutBlocks = outBlocks, Group = group, Groups = groups,
            ChunkBlocks = chunkBlocks, Chunks = chunks, Runs = runs,
            Window = new ConvWindow(kernelH, kernelW, 1, 1, 0, 0, 1, 1),
        };
        long perBlock = (long)kernelH * kernelW * block * block, row = inBlocks * perBlock, total = outBlocks * row;
        for (int group1 = 0; group1 < groups; group1++)
        {
            int ob = group1 * group;
            for (int run = 0; run < runs; run++)
            {
                for (int chunk = 0; chunk < chunks; chunk++)
                {
                    long at = job.Upcoming(run, group1, chunk, out int blocks);
                    long length = Math.Min(chunkBlocks, inBlocks - chunk * chunkBlocks) * perBlock;
                    Assert.InRange(blocks, 1, group);
                    for (int k = 0; k < blocks; k++)
                    {
                        long start = at + k * row, end = start + length;
                        Assert.InRange(start, 0, total - length);
                        Assert.Equal(start / row, (end - 1) / row);
                    }
                    if (chunk < chunks - 1)
                    {
                        long next = ob * row + (long)(chunk + 1) * chunkBlocks * perBlock;
                        long nextEnd = ob * row + Math.Min((long)(chunk + 2) * chunkBlocks, inBlocks) * perBlock;
                        Assert.True(at <= next && nextEnd <= at + length, $"chunk after {chunk} not fetched whole");
                    }
                    else
                    {
                        int nextGroup = run == runs - 1 ? (group1 + 1) % groups : group1;
                        Assert.Equal(nextGroup * group * row, at);
                    }
                }
            }
        }
    }
}
