namespace CaffeNet.Runtime.Images;

/// <summary>The order of an image input's three colour planes.</summary>
public enum ChannelOrder
{
    /// <summary>Blue, green, red: Caffe's convention, as its data layers read images through OpenCV.</summary>
    Bgr,

    /// <summary>Red, green, blue: for nets trained on images read by other libraries.</summary>
    Rgb,
}
