namespace CaffeNet;

/// <summary>
/// A problem with the user's input (a file, a layer, a shape, an option). Its message is complete
/// and meant for the user: front ends print it alone, without a stack trace, and exit with code 2.
/// </summary>
public class CaffeNetException : Exception
{
    public CaffeNetException(string message) : base(message) { }

    public CaffeNetException(string message, Exception inner) : base(message, inner) { }
}
