/**
 * Harbor 2.13's audit event types (`/auditlog-exts/events`): `<operation>_<resource_type>`. Its console offers these
 * for filters and the purge; every other type is `other`.
 */
export const auditEventTypeNames = [
	"create_artifact",
	"delete_artifact",
	"pull_artifact",
	"create_project",
	"delete_project",
	"delete_repository",
	"login_user",
	"logout_user",
	"create_user",
	"delete_user",
	"update_user",
	"create_robot",
	"delete_robot",
	"update_configuration",
] as const;
