using MlNetFashion.Training.Commands;

return TrainingCommandLine.Run(args);
