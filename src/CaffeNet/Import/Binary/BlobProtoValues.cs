using CaffeNet.Import.Binary;

namespace CaffeNet.Proto;

public sealed partial class BlobProto
{
    /// <summary>
    /// The blob's float `data` when <see cref="CaffemodelReader"/> read it straight from the file
    /// into a shared array (<c>ImportOptions.DataAside</c>) instead of <see cref="Data"/>,
    /// which is then empty. Only the runtime's weight loading reads it (see <c>Blobs</c>).
    /// </summary>
    internal BlobValues? DataAside { get; set; }
}
