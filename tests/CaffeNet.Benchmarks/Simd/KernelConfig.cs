using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace CaffeNet.Benchmarks.Simd;

/// <summary>A benchmark whose cases know how many floating-point operations one invocation does.</summary>
public interface IFlopCount
{
    double Flops { get; }
}

/// <summary>Short runs (the machine is shared) plus a GFLOP/s column.</summary>
public class KernelConfig : ManualConfig
{
    public KernelConfig()
    {
        AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(5));
        AddColumn(new GflopsColumn());
    }
}

/// <summary>GFLOP/s = the case's flops / its mean time, the case's parameters set on a fresh instance.</summary>
public class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "10^9 floating-point operations per second (an FMA counts as 2)";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics == null)
            return "-";
        var instance = Activator.CreateInstance(benchmarkCase.Descriptor.Type);
        if (instance is not IFlopCount counted)
            return "-";
        foreach (var p in benchmarkCase.Parameters.Items)
            benchmarkCase.Descriptor.Type.GetProperty(p.Name)?.SetValue(instance, p.Value);
        double seconds = report.ResultStatistics.Mean / 1e9;
        return (counted.Flops / seconds / 1e9).ToString("F1");
    }
}
