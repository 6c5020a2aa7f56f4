using CaffeNet.Import;
using CaffeNet.Proto;

namespace CaffeNet.Runtime;

/// <summary>
/// A layer type defined by user code, as a Caffe layer class is: its type name, the parameters
/// it reads from its LayerParameter, its shape rule and its forward. Register it with
/// <see cref="LayerRegistry.Add(Func{CustomLayer})"/>; the registry makes one instance per layer of a net to shape
/// it, and one per executor to run it.
/// </summary>
public abstract class CustomLayer
{
    /// <summary>The Caffe type name it handles, as in `type: "..."`; case-sensitive.</summary>
    public abstract string Type { get; }

    /// <summary>
    /// The fork's field of LayerParameter this type reads its parameters from (e.g. `cube_param`),
    /// or null. Registering the type lets prototxt set it by name (see <see cref="LayerRegistry.LayerFields"/>);
    /// read it in <see cref="Setup"/> with <see cref="LayerParameterField.Read{T}"/>.
    /// </summary>
    public virtual LayerParameterField? ParameterField => null;

    /// <summary>
    /// Reads the layer's parameters, once, before anything else is called. Throw a
    /// <see cref="CaffeNetException"/> for a bad one; its message is prefixed with the layer's name and type.
    /// </summary>
    /// <param name="layer">The layer as written (after legacy upgrade), fork fields kept as unknown fields.</param>
    public virtual void Setup(LayerParameter layer) { }

    /// <summary>
    /// One output shape per top, from the input shapes (one per bottom), as Caffe's Reshape
    /// works them out. Called before the first <see cref="Forward"/> with the shapes it will run
    /// at. Throw a <see cref="CaffeNetException"/> for inputs it cannot take.
    /// </summary>
    public abstract IReadOnlyList<TensorShape> Reshape(IReadOnlyList<TensorShape> inputs);

    /// <summary>
    /// The shapes of its learnable blobs for these inputs, in blob order; none by default. A
    /// model's blobs for the layer must have these shapes; without them, blobs are filled with 0.
    /// </summary>
    public virtual IReadOnlyList<TensorShape> BlobShapes(IReadOnlyList<TensorShape> inputs) => [];

    /// <summary>The layer's learnable blobs (shapes as <see cref="BlobShapes"/> gave), set before the first <see cref="Forward"/>.</summary>
    protected IReadOnlyList<Tensor> Blobs { get; private set; } = [];

    /// <summary>
    /// Computes every output from the inputs. Outputs come sized as <see cref="Reshape"/> said;
    /// when the layer runs in place (top named as its bottom), output i shares input i's storage.
    /// It must not allocate per call if the net is to run allocation-free.
    /// </summary>
    public abstract void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs);

    internal void Bind(IReadOnlyList<Tensor> blobs) => Blobs = blobs;
}
