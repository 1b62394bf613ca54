/**
 * Test support: a fake of the cluster parts the Fabric8 CRUD mock server lacks.
 *
 * <ul>
 *   <li>{@link dev.registryoperator.fakecluster.MockApiServer}: the CRUD mock (7.5.2) with a
 *       client. {@code MockApiServerBehaviourTest} pins down what it does.
 *   <li>{@link dev.registryoperator.fakecluster.FakeCluster}: Deployment and Job controllers,
 *       scheduler, kubelet and garbage collector acting on the mock, with an ordered {@link
 *       dev.registryoperator.fakecluster.EventLog}.
 *   <li>{@link dev.registryoperator.fakecluster.PodRuntime}: what "runs" a pod; the default {@link
 *       dev.registryoperator.fakecluster.FakePodRuntime} only keeps time, and Job pods follow a
 *       {@link dev.registryoperator.fakecluster.JobBehaviour}.
 * </ul>
 *
 * <p>Reading the log in a test: the fake logs its own actions right after the API call returned, so
 * the API can show a change a moment before the log does. Await the log line (e.g. {@code
 * await().until(() -> cluster.log().contains("pod x gone"))}) before asserting on order.
 */
package dev.registryoperator.fakecluster;
