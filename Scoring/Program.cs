Console.WriteLine("MlNetFashion scoring: predict | serve (coming)");
return 0;
