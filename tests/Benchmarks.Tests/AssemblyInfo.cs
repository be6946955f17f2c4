// Tests in one assembly run one class at a time: the engine uses both cores itself, and a few tests time work.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
