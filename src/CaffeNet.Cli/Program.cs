using CaffeNet.Cli;

HugePages.AdviseGcHeap();
return App.Run(args, Console.Out, Console.Error);
