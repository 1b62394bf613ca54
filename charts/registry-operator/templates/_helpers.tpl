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
