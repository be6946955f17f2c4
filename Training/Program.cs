using MlNetFashion.Training.Commands;

return CommandLine.Run(args);
