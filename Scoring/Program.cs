using MlNetFashion.Scoring.Commands;

return ScoringCommandLine.Run(args);
