using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetFashion.Pipeline.Data;

/// <summary>
/// A real IDataView over a split in memory (no per-row objects): column Label = Key&lt;UInt32, 0-9&gt; with the
/// class names as KeyValues (or a key of K values with a folder's class names), column Pixels = Vector&lt;Byte, 28, 28&gt;.
/// Cursors allocate nothing per row and shuffle when given a Random. Given a token, cursors stop with
/// OperationCanceledException once it is cancelled, so a long scoring pass (ten test-time views of 10,000 images) can
/// be interrupted between rows.
/// </summary>
public sealed class FashionMnistDataView : IDataView
{
    public const string LabelColumn = "Label", PixelsColumn = "Pixels";
    private readonly FashionMnistSplit _split;
    private readonly CancellationToken _cancellation;

    /// <param name="classNames">What labels 0 … K−1 stand for; null: Fashion-MNIST's ten classes.</param>
    public FashionMnistDataView(FashionMnistSplit split, CancellationToken cancellation = default, IReadOnlyList<string>? classNames = null)
    {
        _split = split ?? throw new ArgumentNullException(nameof(split));
        _cancellation = cancellation;
        ClassNames = classNames ?? FashionMnistClasses.Names;
        if (ClassNames.Count < 2) throw new ArgumentException($"classNames: expected at least 2, received {ClassNames.Count}");
        Schema = CreateSchema(ClassNames);
    }

    /// <summary>The Label key's values: what labels 0 … K−1 stand for.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public DataViewSchema Schema { get; }
    public bool CanShuffle => true;
    public long? GetRowCount() => _split.Count;

    public static KeyDataViewType LabelType { get; } = new(typeof(uint), FashionMnistClasses.Count);
    public static VectorDataViewType PixelsType { get; } = new(NumberDataViewType.Byte, FashionMnistSplit.Rows, FashionMnistSplit.Columns);

    /// <summary>The class names as the KeyValues annotation every key column of ours carries.</summary>
    public static DataViewSchema.Annotations ClassNameAnnotations(IReadOnlyList<string>? classNames = null)
    {
        IReadOnlyList<string> classes = classNames ?? FashionMnistClasses.Names;
        var builder = new DataViewSchema.Annotations.Builder();
        ValueGetter<VBuffer<ReadOnlyMemory<char>>> names = (ref VBuffer<ReadOnlyMemory<char>> value) =>
            value = new VBuffer<ReadOnlyMemory<char>>(classes.Count, [.. classes.Select(n => n.AsMemory())]);
        builder.Add("KeyValues", new VectorDataViewType(TextDataViewType.Instance, classes.Count), names);
        return builder.ToAnnotations();
    }

    private static DataViewSchema CreateSchema(IReadOnlyList<string> classNames)
    {
        var builder = new DataViewSchema.Builder();
        KeyDataViewType labelType = classNames.Count == FashionMnistClasses.Count ? LabelType : new(typeof(uint), classNames.Count);
        builder.AddColumn(LabelColumn, labelType, ClassNameAnnotations(classNames));
        builder.AddColumn(PixelsColumn, PixelsType);
        return builder.ToSchema();
    }

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        int[]? order = null;
        if (rand is not null)
        {
            order = [.. Enumerable.Range(0, _split.Count)];
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = rand.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded) active[column.Index] = true;
        return new Cursor(this, order, active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(FashionMnistDataView parent, int[]? order, bool[] active) : DataViewRowCursor
    {
        private long _position = -1;
        private int _row = -1;

        public override DataViewSchema Schema => parent.Schema;
        public override long Position => _position;
        public override long Batch => 0;

        public override bool MoveNext()
        {
            parent._cancellation.ThrowIfCancellationRequested();
            if (_position + 1 >= parent._split.Count)
            {
                _row = -1;
                return false;
            }
            _position++;
            _row = order is null ? (int)_position : order[_position];
            return true;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => active[column.Index];

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_row, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!active[column.Index]) throw new InvalidOperationException($"column {column.Name} is not active in this cursor");
            Delegate getter = column.Index switch
            {
                0 when typeof(TValue) == typeof(uint) =>
                    (ValueGetter<uint>)((ref uint value) => value = (uint)parent._split.Labels[_row] + 1),
                1 when typeof(TValue) == typeof(VBuffer<byte>) => (ValueGetter<VBuffer<byte>>)GetPixels,
                _ => throw new InvalidOperationException(
                    $"column {column.Name}: expected the getter type {column.Type.RawType.Name}, received {typeof(TValue).Name}"),
            };
            return (ValueGetter<TValue>)getter;
        }

        /// <summary>Copies the row's 784 pixels into the caller's buffer (reused across rows by ML.NET).</summary>
        private void GetPixels(ref VBuffer<byte> value)
        {
            var editor = VBufferEditor.Create(ref value, FashionMnistSplit.ImageSize);
            parent._split.Image(_row).CopyTo(editor.Values);
            value = editor.Commit();
        }
    }
}
