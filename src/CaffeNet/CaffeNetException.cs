namespace CaffeNet;

/// <summary>
/// A problem with the user's input (a file, a layer, a shape, an option). Its message is complete
/// and meant for the user: front ends print it alone, without a stack trace, and exit with code 2.
/// </summary>
public class CaffeNetException : Exception
{
    /// <summary>A problem told by <paramref name="message"/>, one line for the user.</summary>
    public CaffeNetException(string message) : base(message) { }

    /// <summary>A problem told by <paramref name="message"/>, caused by <paramref name="inner"/>.</summary>
    public CaffeNetException(string message, Exception inner) : base(message, inner) { }
}
