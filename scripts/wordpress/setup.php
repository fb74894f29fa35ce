<?php
/**
 * Installs and configures the local test WordPress (called by scripts/wordpress-local.sh; there is no wp-cli).
 * Idempotent. Input from the environment; prints KEY=VALUE lines on stdout.
 *
 *   WP_DIR, WP_URL                    where WordPress is and the URL it is served at
 *   WP_ADMIN_USER, WP_SUBSCRIBER_USER user names
 *   WP_ADMIN_APP_PASSWORD, WP_SUBSCRIBER_APP_PASSWORD  passwords from an earlier run, kept when still valid
 *   WP_BRIDGE_KEY, WP_BRIDGE_APP_URL  the bridge plugin's API key and IGNY8 app URL
 */

$dir = getenv( 'WP_DIR' );
$url = rtrim( (string) getenv( 'WP_URL' ), '/' );
$u   = parse_url( $url );
$_SERVER['HTTP_HOST']   = $u['host'] . ( isset( $u['port'] ) ? ':' . $u['port'] : '' );
$_SERVER['SERVER_NAME'] = $u['host'];
$_SERVER['SERVER_PORT'] = isset( $u['port'] ) ? $u['port'] : 80;
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['HTTPS']       = 'off';

define( 'WP_INSTALLING', true );

// No mail from a throw-away site (pluggable functions, defined before WordPress's own).
function wp_mail() {
	return true;
}
function wp_new_blog_notification() {
}

require $dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

$admin_user = getenv( 'WP_ADMIN_USER' ) ?: 'admin';
$sub_user   = getenv( 'WP_SUBSCRIBER_USER' ) ?: 'subscriber';

if ( ! is_blog_installed() ) {
	$result = wp_install( 'IGNY8 local test site', $admin_user, $admin_user . '@example.test', false, '', wp_generate_password( 24 ) );
	if ( is_wp_error( $result ) ) {
		fwrite( STDERR, 'wp_install failed: ' . $result->get_error_message() . "\n" );
		exit( 1 );
	}
}

update_option( 'siteurl', $url );
update_option( 'home', $url );
update_option( 'blogname', 'IGNY8 local test site' );
update_option( 'timezone_string', 'UTC' );
update_option( 'blog_public', '0' );
update_option( 'default_comment_status', 'closed' );
global $wp_rewrite;
if ( '/%postname%/' !== get_option( 'permalink_structure' ) ) {
	$wp_rewrite->set_permalink_structure( '/%postname%/' );
}
flush_rewrite_rules( false );

/** The user's id, created with $role when missing. */
function igny8_local_user( $login, $role ) {
	$user = get_user_by( 'login', $login );
	if ( $user ) {
		$user->set_role( $role );
		return (int) $user->ID;
	}
	$id = wp_insert_user(
		array(
			'user_login' => $login,
			'user_email' => $login . '@example.test',
			'user_pass'  => wp_generate_password( 24 ),
			'role'       => $role,
		)
	);
	if ( is_wp_error( $id ) ) {
		fwrite( STDERR, "cannot create user $login: " . $id->get_error_message() . "\n" );
		exit( 1 );
	}
	return (int) $id;
}

/** An application password named igny8-tests: $old when it is still valid, else a new one. */
function igny8_local_app_password( $user_id, $old ) {
	$items = WP_Application_Passwords::get_user_application_passwords( $user_id );
	foreach ( $items as $item ) {
		if ( 'igny8-tests' === $item['name'] && '' !== (string) $old
			&& wp_check_password( preg_replace( '/[^a-z\d]/i', '', $old ), $item['password'], $user_id ) ) {
			return $old;
		}
	}
	foreach ( $items as $item ) {
		if ( 'igny8-tests' === $item['name'] ) {
			WP_Application_Passwords::delete_application_password( $user_id, $item['uuid'] );
		}
	}
	$made = WP_Application_Passwords::create_new_application_password( $user_id, array( 'name' => 'igny8-tests' ) );
	if ( is_wp_error( $made ) ) {
		fwrite( STDERR, 'cannot create an application password: ' . $made->get_error_message() . "\n" );
		exit( 1 );
	}
	return $made[0]; // Unchunked: no spaces, so env files need no quoting.
}

$admin_id = igny8_local_user( $admin_user, 'administrator' );
$sub_id   = igny8_local_user( $sub_user, 'subscriber' );
$admin_pw = igny8_local_app_password( $admin_id, (string) getenv( 'WP_ADMIN_APP_PASSWORD' ) );
$sub_pw   = igny8_local_app_password( $sub_id, (string) getenv( 'WP_SUBSCRIBER_APP_PASSWORD' ) );

// The bridge plugin: settings, then activation.
update_option( 'igny8_bridge_api_key', (string) getenv( 'WP_BRIDGE_KEY' ) );
update_option( 'igny8_bridge_app_url', rtrim( (string) getenv( 'WP_BRIDGE_APP_URL' ), '/' ) );
update_option( 'igny8_bridge_author_id', $admin_id );
$activated = activate_plugin( 'igny8-bridge/igny8-bridge.php' );
if ( is_wp_error( $activated ) ) {
	fwrite( STDERR, 'cannot activate igny8-bridge: ' . $activated->get_error_message() . "\n" );
	exit( 1 );
}

echo 'WP_URL=' . $url . "\n";
echo 'WP_ADMIN_USER=' . $admin_user . "\n";
echo 'WP_ADMIN_APP_PASSWORD=' . $admin_pw . "\n";
echo 'WP_SUBSCRIBER_USER=' . $sub_user . "\n";
echo 'WP_SUBSCRIBER_APP_PASSWORD=' . $sub_pw . "\n";
echo 'WP_VERSION=' . get_bloginfo( 'version' ) . "\n";
