{{- define "registry-operator.labels" -}}
app.kubernetes.io/name: registry-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
{{- define "registry-operator.selector" -}}
app.kubernetes.io/name: registry-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{/*
Cluster-scoped objects are named after the release's namespace too: two releases of the same name in two
namespaces must not share (or overwrite) a ClusterRole or ClusterRoleBinding.
*/}}
{{- define "registry-operator.clusterName" -}}
{{ .Release.Namespace }}-{{ .Release.Name }}
{{- end }}
{{/*
What the operator's two reconcilers call, and nothing more: OperatorApiCallsTest records every API request the
operator makes end to end and checks these rules grant each and nothing beyond.
*/}}
{{- define "registry-operator.rules" -}}
- apiGroups: ["registry.operator.dev"]
  resources: ["registries", "gcschedules"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["registry.operator.dev"]
  resources: ["registries/status", "gcschedules/status"]
  verbs: ["update"]
# Owner references with blockOwnerDeletion (OwnerReferencesPermissionEnforcement admission).
- apiGroups: ["registry.operator.dev"]
  resources: ["registries/finalizers", "gcschedules/finalizers"]
  verbs: ["update"]
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["list", "watch", "create", "update", "delete"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["list", "watch", "create", "delete"]
# list/watch only with the operator's label selector (RBAC cannot say so); get: the user's Secrets by name.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Pods are only read (the operator never deletes a registry pod itself).
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch"]
# get: a run's Job its cache has not seen yet; patch: start a collect Job created suspended.
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
# EventRecorder: get by name, then create or update (count); list: a GC Job's FailedCreate events.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["get", "list", "create", "update"]
{{- end }}
{{/*
What retention reads to keep the images workloads use (retention.protectWorkloads, WorkloadImages): a plain paged
list, in every namespace, of the kinds that run pods or start them; no get, no watch. Every namespace, also with
watchNamespaces: any namespace may pull from a registry. The all-namespaces ClusterRole above already lists pods,
deployments and jobs, so there only the other kinds are added; with watchNamespaces, a ClusterRole of its own.
*/}}
{{- define "registry-operator.workloadRules" -}}
{{- $alone := not (empty .Values.watchNamespaces) }}
# retention.protectWorkloads: the workloads of every namespace, read for the images they use.
{{- if $alone }}
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list"]
{{- end }}
- apiGroups: ["apps"]
  resources: [{{ if $alone }}"deployments", {{ end }}"statefulsets", "daemonsets"]
  verbs: ["list"]
- apiGroups: ["batch"]
  resources: [{{ if $alone }}"jobs", {{ end }}"cronjobs"]
  verbs: ["list"]
{{- end }}
{{/*
The metrics Service; a ServiceMonitor's scrape job is named after it, so the OperatorDown alert looks for it.
*/}}
{{- define "registry-operator.metricsService" -}}
{{ .Release.Name }}-metrics
{{- end }}
{{- define "registry-operator.metricsJob" -}}
{{ .Values.metrics.prometheusRule.alerts.operatorDown.job | default (include "registry-operator.metricsService" .) }}
{{- end }}
