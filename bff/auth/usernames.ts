/** Harbor's username rules: 1–255 characters, none of `, ~ # $ % "` nor spaces; `anonymous` and `admin` are taken. */
export const usernameProblem = (name: string): string | null =>
	!name || name.length > 255
		? "username with illegal length (1 to 255 characters)"
		: /[,~#$%"\s]/.test(name)
			? 'username contains illegal characters (, ~ # $ % " or spaces)'
			: name.toLowerCase() === "anonymous" || name === "admin"
				? `the username ${name} is reserved`
				: null;
