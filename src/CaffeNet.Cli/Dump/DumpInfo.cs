using CaffeNet.Proto;

namespace CaffeNet.Cli.Dump;

/// <summary>What a dump says about how the graph was made.</summary>
/// <param name="Phase">The phase the layers were selected for.</param>
/// <param name="WithWeights">True when a caffemodel was given, so missing blobs mean filler initialisation.</param>
public sealed record DumpInfo(Phase Phase, bool WithWeights);
