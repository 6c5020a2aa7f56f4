using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>Caffe's net state and its include/exclude rules (Net::FilterNet, Net::StateMeetsRule).</summary>
internal static class NetStateFilter
{
    /// <summary>The net's own state with the options' phase and level put in and their stages added.</summary>
    public static NetState State(NetParameter net, GraphOptions options)
    {
        var state = net.State?.Clone() ?? new NetState();
        if (options.Phase is { } phase) state.Phase = phase;
        if (options.Level is { } level) state.Level = level;
        state.Stage.AddRange(options.Stages);
        return state;
    }

    public static bool Includes(LayerParameter layer, NetState state)
    {
        if (layer.Include.Count > 0 && layer.Exclude.Count > 0)
            throw new CaffeNetException(
                $"{Excerpt.Layer(layer.Name, layer.Type)}: has both include and exclude rules; Caffe allows only one kind");
        if (layer.Include.Count > 0)
            return layer.Include.Any(r => Meets(state, r));
        return !layer.Exclude.Any(r => Meets(state, r));
    }

    static bool Meets(NetState state, NetStateRule rule)
    {
        if (rule.HasPhase && rule.Phase != state.Phase) return false;
        if (rule.HasMinLevel && state.Level < rule.MinLevel) return false;
        if (rule.HasMaxLevel && state.Level > rule.MaxLevel) return false;
        if (rule.Stage.Any(s => !state.Stage.Contains(s))) return false;
        if (rule.NotStage.Any(s => state.Stage.Contains(s))) return false;
        return true;
    }
}
