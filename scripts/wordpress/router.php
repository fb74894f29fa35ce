<?php
/**
 * Router for `php -S` serving a local WordPress (scripts/wordpress-local.sh): existing files are served as they
 * are (PHP files run), everything else goes to index.php so pretty URLs such as /wp-json/… work.
 */
$root = $_SERVER['DOCUMENT_ROOT'];
$path = urldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );
if ( false === strpos( $path, '..' ) ) {
	$file = $root . $path;
	if ( is_file( $file ) ) {
		return false;
	}
	if ( is_dir( $file ) && is_file( rtrim( $file, '/' ) . '/index.php' ) ) {
		return false;
	}
}
$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $root . '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
chdir( $root );
require $root . '/index.php';
