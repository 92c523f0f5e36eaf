#:project ../src/Ember/Ember.csproj
#:project ../src/Ember.Vision/Ember.Vision.csproj
// Chapter 20.3.12: training an image classifier. CIFAR-10 is loaded with the chapter's transforms
// (ToTensor, then Normalize with mean and std 0.5 per channel) into a DataLoader of batch 4, shuffled,
// 2 workers; four training images are saved as a grid; LeNet is trained with cross-entropy and SGD
// (lr 0.001, momentum 0.9) for 2 epochs, printing the average loss every 2000 mini-batches; then the
// network is tested on four test images and on the whole test set, overall and per class.
//
//   dotnet run examples/10-cifar10.cs [--dataset cifar10|fashion-mnist] [--data-dir DIR] [--download]
//
// The data is looked for in DIR (default data/); --download fetches it there when it is missing.
//
// With --dataset fashion-mnist the same program runs on Fashion-MNIST (1 channel, 28x28 images, the
// first convolution padded by 2 so that every later shape is CIFAR's: 32 -> 28 -> 14 -> 10 -> 5).
using Ember;
using Ember.Data;
using Ember.NN;
using Ember.Optim;
using Ember.Vision;
using Ember.Vision.Datasets;
using Ember.Vision.Transforms;

// Arguments. A wrong one, missing data or a file that cannot be written ends the program with one
// line on stderr saying what to do (exit code 2 for a wrong argument, 1 for the rest).
const string Usage = "usage: dotnet run examples/10-cifar10.cs [--dataset cifar10|fashion-mnist] [--data-dir DIR] [--download]";
string dataset = "cifar10", dataDir = "data";
bool download = false;
for (int k = 0; k < args.Length; k++)
{
    string arg = args[k];
    if (arg is "-h" or "--help") { Console.WriteLine(Usage); return 0; }
    if (arg == "--download") { download = true; continue; }
    if (arg is not ("--dataset" or "--data-dir")) return Fail(2, $"unknown argument '{arg}'; {Usage}");
    if (k + 1 == args.Length || args[k + 1].StartsWith("--")) return Fail(2, $"{arg} needs a value; {Usage}");
    if (arg == "--dataset") dataset = args[++k]; else dataDir = args[++k];
}
if (dataset is not ("cifar10" or "fashion-mnist"))
    return Fail(2, $"--dataset must be cifar10 or fashion-mnist, got '{dataset}'.");
bool cifar = dataset == "cifar10";
int channels = cifar ? 3 : 1;
Tensor.ManualSeed(0);

// 1. Load and normalise the data: images become [C, H, W] tensors in [-1, 1].
double[] half = [.. Enumerable.Repeat(0.5, channels)];
var transform = new Compose(new ToTensor(), new Normalize(half, half));
VisionDataset trainset, testset;
try
{
    trainset = cifar ? new Cifar10(dataDir, train: true, transform, download: download)
                     : new FashionMnist(dataDir, train: true, transform, download: download);
    testset = cifar ? new Cifar10(dataDir, train: false, transform, download: download)
                    : new FashionMnist(dataDir, train: false, transform, download: download);
}
catch (DatasetNotFoundException e)
{
    return Fail(1, $"{(cifar ? "CIFAR-10" : "Fashion-MNIST")} not found (looked in {string.Join(", ", e.SearchedPaths)}); run with --download to fetch it" +
        (cifar ? "" : ", install Debian's dataset-fashion-mnist package") + ", or give the folder that holds it with --data-dir DIR.");
}
catch (Exception e) when (e is IOException or HttpRequestException or InvalidDataException or UnauthorizedAccessException)
{
    return Fail(1, OneLine(e.Message));   // a failed download, or files that are truncated or not the dataset's
}
var trainloader = DataLoader.Create(trainset, batchSize: 4, shuffle: true, numWorkers: 2);
var testloader = DataLoader.Create(testset, batchSize: 4, shuffle: false, numWorkers: 2);
var classes = trainset.Classes;

// 2. Show some training images: a grid of one batch, un-normalised back to [0, 1], and their labels.
var (images, labels) = trainloader.First();
try { ImageIO.SaveImage(images / 2 + 0.5, "train-grid.png"); }
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    return Fail(1, $"cannot write train-grid.png in {Directory.GetCurrentDirectory()}: {e.Message}");
}
Console.WriteLine("train-grid.png: " + string.Join(" ", labels.ToArray<long>().Select(l => classes[(int)l])));

// 3. The network, the loss and the optimizer.
var net = new Net(channels, padding: cifar ? 0 : 2);
var criterion = new CrossEntropyLoss();
var optimizer = new Sgd(net.Parameters(), lr: 0.001, momentum: 0.9);

// 4. Train: 2 epochs, the average loss every 2000 mini-batches.
for (int epoch = 0; epoch < 2; epoch++)
{
    double runningLoss = 0;
    int i = 0;
    foreach (var (inputs, targets) in trainloader)
    {
        optimizer.ZeroGrad();
        var outputs = net.Forward(inputs);
        var loss = criterion.Forward(outputs, targets);
        loss.Backward();
        optimizer.Step();

        runningLoss += loss.Item<float>();
        if (++i % 2000 == 0)
        {
            Console.WriteLine($"[{epoch + 1}, {i,5}] loss: {runningLoss / 2000:F3}");
            runningLoss = 0;
        }
    }
}
Console.WriteLine("Finished Training");

// 5. Test on four images, then on the whole test set.
var (testImages, testLabels) = testloader.First();
Console.WriteLine("GroundTruth: " + string.Join(" ", testLabels.ToArray<long>().Select(l => classes[(int)l])));
using (Autograd.NoGrad())
{
    var predicted = net.Forward(testImages).ArgMax(1);
    Console.WriteLine("Predicted:   " + string.Join(" ", predicted.ToArray<long>().Select(l => classes[(int)l])));
}

var correct = new int[classes.Count];
var total = new int[classes.Count];
using (Autograd.NoGrad())
{
    foreach (var (inputs, targets) in testloader)
    {
        long[] predicted = net.Forward(inputs).ArgMax(1).ToArray<long>();
        long[] truth = targets.ToArray<long>();
        for (int k = 0; k < truth.Length; k++)
        {
            total[truth[k]]++;
            if (predicted[k] == truth[k]) correct[truth[k]]++;
        }
    }
}
Console.WriteLine($"Accuracy of the network on the {total.Sum()} test images: {100 * correct.Sum() / total.Sum()} %");
for (int c = 0; c < classes.Count; c++)
    Console.WriteLine($"Accuracy of {classes[c],-12} : {100 * correct[c] / total[c],2} %");

return 0;

static int Fail(int exitCode, string message)
{
    Console.Error.WriteLine($"10-cifar10: {message}");
    return exitCode;
}

// Library messages may list places on separate lines; the example's error stays on one.
static string OneLine(string message) => string.Join(" ", message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

/// <summary>The chapter's LeNet: two convolution + ReLU + max-pool stages, then three fully connected layers.</summary>
sealed class Net : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly MaxPool2d pool;
    private readonly Conv2d conv2;
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear fc3;

    public Net(int channels, int padding)
    {
        conv1 = new Conv2d(channels, 6, 5, padding: padding);   // 32x32 -> 28x28
        pool = new MaxPool2d(2, 2);                             // halves: 28 -> 14, 10 -> 5
        conv2 = new Conv2d(6, 16, 5);                           // 14x14 -> 10x10
        fc1 = new Linear(16 * 5 * 5, 120);
        fc2 = new Linear(120, 84);
        fc3 = new Linear(84, 10);
    }

    public override Tensor Forward(Tensor x)
    {
        x = pool.Call(F.Relu(conv1.Call(x)));
        x = pool.Call(F.Relu(conv2.Call(x)));
        x = x.Flatten(1);
        x = F.Relu(fc1.Call(x));
        x = F.Relu(fc2.Call(x));
        return fc3.Call(x);
    }
}
