namespace CaffeNet.Runtime.Simd;

/// <summary>One piece of parallel work: <see cref="Execute"/> runs once for each index of a range.</summary>
internal interface IParallelJob
{
    void Execute(int index);
}
